import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { admins, identities, members, tenants } from '../../db/schema/index.ts';
import type { Asker, TenantInfo } from './context.ts';
import { isBranchRole, isMemberStatus, type MemberStatus } from './roles.ts';
import type { ChatMessage, Platform } from './types.ts';

const DEFAULT_TENANT_NAMES: Record<Platform, string> = {
  console: '本地控制台',
  feishu: '飞书组织',
  dingtalk: '钉钉组织',
};

/** The tenant a platform organisation maps to; created on first contact (it starts empty). */
export async function resolveTenant(db: Db, platform: Platform, tenantKey: string): Promise<TenantInfo> {
  const found = await db.select().from(tenants)
    .where(and(eq(tenants.platform, platform), eq(tenants.externalKey, tenantKey))).limit(1);
  if (found[0]) return found[0];
  await db.insert(tenants)
    .values({ platform, externalKey: tenantKey, name: DEFAULT_TENANT_NAMES[platform] })
    .onConflictDoNothing();
  const [row] = await db.select().from(tenants)
    .where(and(eq(tenants.platform, platform), eq(tenants.externalKey, tenantKey))).limit(1);
  return row!;
}

/**
 * Who is asking: their bound member record and whether they administer this tenant.
 * The local console is trusted: an unbound console user is bound to the member of the same name.
 */
export async function resolveAsker(db: Db, tenant: TenantInfo, msg: ChatMessage, botAdmins: readonly string[]): Promise<Asker> {
  const { platform } = msg;
  const { userId } = msg.sender;
  let memberId = await boundMemberId(db, tenant.id, platform, userId);
  if (memberId === undefined && platform === 'console') {
    const byName = await db.select({ id: members.id }).from(members)
      .where(and(eq(members.tenantId, tenant.id), eq(members.name, userId), eq(members.active, true))).limit(2);
    if (byName.length === 1) {
      memberId = byName[0]!.id;
      await db.insert(identities).values({ tenantId: tenant.id, platform, userId, memberId }).onConflictDoNothing();
    }
  }
  const isAdmin = botAdmins.includes(`${platform}:${userId}`) || (await isTenantAdmin(db, tenant.id, platform, userId));
  const asker: Asker = { platform, userId, isAdmin };
  if (memberId !== undefined) {
    const [m] = await db.select().from(members).where(eq(members.id, memberId)).limit(1);
    if (m && m.active) {
      asker.member = {
        id: m.id,
        name: m.name,
        branchId: m.branchId,
        status: (isMemberStatus(m.status) ? m.status : '群众') as MemberStatus,
        roles: m.roles.filter(isBranchRole),
      };
    }
  }
  return asker;
}

async function boundMemberId(db: Db, tenantId: number, platform: string, userId: string): Promise<number | undefined> {
  const rows = await db.select({ memberId: identities.memberId }).from(identities)
    .where(and(eq(identities.tenantId, tenantId), eq(identities.platform, platform), eq(identities.userId, userId)))
    .limit(1);
  return rows[0]?.memberId;
}

async function isTenantAdmin(db: Db, tenantId: number, platform: string, userId: string): Promise<boolean> {
  const rows = await db.select({ id: admins.id }).from(admins)
    .where(and(eq(admins.tenantId, tenantId), eq(admins.platform, platform), eq(admins.userId, userId))).limit(1);
  return rows.length > 0;
}
