/** Who receives the monthly scorecard: each branch's 书记, and the tenant's admins. */
import { and, arrayOverlaps, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { admins, identities, members } from '../../db/schema/index.ts';
import type { Platform, Recipient } from '../bot/types.ts';

export interface TenantAccount {
  id: number;
  platform: string;
  externalKey: string;
}

/** Stable text of a recipient for dedupe keys: `<platform>:<tenant key>:<user id>`. */
export const recipientKey = (r: Recipient) => `${r.platform}:${r.tenantKey}:${r.id}`;

/** Per branch, the 书记's accounts; the 副书记's where no 书记 has a bound account. One query. */
export async function secretaryAccounts(db: Db, tenant: TenantAccount, branchIds: readonly number[]): Promise<Map<number, Recipient[]>> {
  const out = new Map<number, Recipient[]>();
  if (!branchIds.length) return out;
  const rows = await db.select({ branchId: members.branchId, roles: members.roles, platform: identities.platform, userId: identities.userId })
    .from(members)
    .innerJoin(identities, and(eq(identities.memberId, members.id), eq(identities.tenantId, members.tenantId)))
    .where(and(eq(members.tenantId, tenant.id), eq(members.active, true), inArray(members.branchId, [...branchIds]),
      arrayOverlaps(members.roles, ['书记', '副书记'])))
    .orderBy(identities.id);
  const byBranch = new Map<number, typeof rows>();
  for (const r of rows) if (r.branchId !== null) byBranch.set(r.branchId, [...(byBranch.get(r.branchId) ?? []), r]);
  for (const [branchId, list] of byBranch) {
    const chiefs = list.filter((r) => r.roles.includes('书记'));
    out.set(branchId, (chiefs.length ? chiefs : list).map((r) => ({
      platform: r.platform as Platform, kind: 'user', id: r.userId, tenantKey: tenant.externalKey,
    })));
  }
  return out;
}

/** The tenant's admins: its `admins` rows and BOT_ADMINS of its platform, each once. */
export async function adminAccounts(db: Db, tenant: TenantAccount, botAdmins: readonly string[]): Promise<Recipient[]> {
  const rows = await db.select({ platform: admins.platform, userId: admins.userId }).from(admins)
    .where(and(eq(admins.tenantId, tenant.id), eq(admins.platform, tenant.platform)))
    .orderBy(admins.id);
  const ids = new Set(rows.map((r) => r.userId));
  const prefix = `${tenant.platform}:`;
  for (const a of botAdmins) if (a.startsWith(prefix) && a.length > prefix.length) ids.add(a.slice(prefix.length));
  return [...ids].map((id) => ({ platform: tenant.platform as Platform, kind: 'user', id, tenantKey: tenant.externalKey }));
}
