/** Recipients for many members at once (notices to a whole branch, reminders across tenants): one query. */
import { and, arrayOverlaps, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { identities, members, tenants } from '../../db/schema/index.ts';
import type { BranchRole } from '../bot/roles.ts';
import type { Platform, Recipient } from '../bot/types.ts';

/** Every bound platform account of each member, as private-message recipients. */
export async function recipientsByMember(db: Db, tenantId: number, memberIds: readonly number[]): Promise<Map<number, Recipient[]>> {
  const out = new Map<number, Recipient[]>();
  if (!memberIds.length) return out;
  const rows = await db
    .select({ memberId: identities.memberId, platform: identities.platform, userId: identities.userId, tenantKey: tenants.externalKey })
    .from(identities)
    .innerJoin(tenants, eq(tenants.id, identities.tenantId))
    .where(and(eq(identities.tenantId, tenantId), inArray(identities.memberId, [...new Set(memberIds)])));
  for (const r of rows) {
    const list = out.get(r.memberId) ?? [];
    list.push({ platform: r.platform as Platform, kind: 'user', id: r.userId, tenantKey: r.tenantKey });
    out.set(r.memberId, list);
  }
  return out;
}

/** 书记 and 组织委员 (who answer for the branch's organisational life), with their accounts, per branch. */
export const DEADLINE_ROLES: readonly BranchRole[] = ['书记', '组织委员'];

export async function officerRecipients(
  db: Db, tenantId: number, branchIds: readonly number[], roles: readonly BranchRole[] = DEADLINE_ROLES,
): Promise<Map<number, Recipient[]>> {
  const out = new Map<number, Recipient[]>();
  if (!branchIds.length) return out;
  const rows = await db
    .select({ branchId: members.branchId, platform: identities.platform, userId: identities.userId, tenantKey: tenants.externalKey })
    .from(members)
    .innerJoin(identities, and(eq(identities.memberId, members.id), eq(identities.tenantId, members.tenantId)))
    .innerJoin(tenants, eq(tenants.id, members.tenantId))
    .where(and(eq(members.tenantId, tenantId), eq(members.active, true), inArray(members.branchId, [...new Set(branchIds)]),
      arrayOverlaps(members.roles, [...roles])));
  for (const r of rows) {
    if (r.branchId === null) continue;
    const list = out.get(r.branchId) ?? [];
    list.push({ platform: r.platform as Platform, kind: 'user', id: r.userId, tenantKey: r.tenantKey });
    out.set(r.branchId, list);
  }
  return out;
}
