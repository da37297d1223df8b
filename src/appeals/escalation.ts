/**
 * Past a deadline an appeal escalates once to the branch 书记 (the 副书记 when there is none), and
 * once more to the parent organisation's admins. Each step records its key on the appeal and uses
 * it in the outbox dedupe key, in one transaction, so overlapping runs send it once.
 */
import { and, arrayOverlaps, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { admins, appeals, branches, identities, members } from '../../db/schema/index.ts';
import type { Platform, Recipient, Reply } from '../bot/types.ts';
import type { Escalation } from '../domain/appeals.ts';
import type { AppealEnv } from './env.ts';
import { when, type Appeal } from './format.ts';
import { SYSTEM, auditView, recordEvent } from './store.ts';

export interface TenantRow {
  id: number;
  platform: string;
  externalKey: string;
  settings: unknown;
}

/** The tenant's admins (its admin table and the BOT_ADMINS of its platform) as recipients. */
export async function parentAdmins(db: Db, tenant: TenantRow, botAdmins: readonly string[]): Promise<Recipient[]> {
  const rows = await db.select({ platform: admins.platform, userId: admins.userId }).from(admins).where(eq(admins.tenantId, tenant.id));
  const ids = new Set(rows.filter((r) => r.platform === tenant.platform).map((r) => r.userId));
  for (const a of botAdmins) if (a.startsWith(`${tenant.platform}:`)) ids.add(a.slice(tenant.platform.length + 1));
  return [...ids].map((id) => ({ platform: tenant.platform as Platform, kind: 'user', id, tenantKey: tenant.externalKey }));
}

/** Per branch: the 书记's accounts, or the 副书记's when the branch has no 书记 with an account. */
export async function secretaries(db: Db, tenant: TenantRow, branchIds: readonly number[]): Promise<Map<number, Recipient[]>> {
  const out = new Map<number, Recipient[]>();
  if (!branchIds.length) return out;
  const rows = await db.select({ branchId: members.branchId, roles: members.roles, platform: identities.platform, userId: identities.userId })
    .from(members)
    .innerJoin(identities, and(eq(identities.memberId, members.id), eq(identities.tenantId, members.tenantId)))
    .where(and(eq(members.tenantId, tenant.id), eq(members.active, true), inArray(members.branchId, [...new Set(branchIds)]),
      arrayOverlaps(members.roles, ['书记', '副书记'])));
  for (const b of new Set(branchIds)) {
    const mine = rows.filter((r) => r.branchId === b);
    const pick = mine.some((r) => r.roles.includes('书记')) ? mine.filter((r) => r.roles.includes('书记')) : mine;
    out.set(b, pick.map((r) => ({ platform: r.platform as Platform, kind: 'user', id: r.userId, tenantKey: tenant.externalKey })));
  }
  return out;
}

export async function branchNames(db: Db, tenantId: number, ids: readonly number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: branches.id, name: branches.name }).from(branches)
    .where(and(eq(branches.tenantId, tenantId), inArray(branches.id, [...new Set(ids)])));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The reminder; it names the appeal and its handler, never the submitter. */
export function escalationCard(a: Appeal, e: Escalation, branch: string, handler: string | null, tz: string): Reply {
  const what = e.clock === 'accept' ? '受理' : '办结';
  const who = e.level === 'secretary' ? '请督促承办人尽快办理。' : '支部提醒后仍未办理，请上级党组织督办。';
  return {
    kind: 'card',
    title: `诉求 ${a.number} 超过${what}时限`,
    tone: 'danger',
    text: `${branch}的诉求 ${a.number}（${a.category}）应于 ${when(e.deadline, tz)} 前${what}，现已超时。${who}`,
    fields: [{ label: '承办人', value: handler ?? '未分派' }, { label: '编号', value: a.number }],
    buttons: [{ label: '查看进度', command: `诉求 进度 ${a.number}` }],
  };
}

/** Records the step on the appeal (once), then queues it; false if the appeal moved meanwhile. */
export async function sendEscalation(
  env: AppealEnv, a: Appeal, key: string, recipients: readonly Recipient[], reply: Reply, note: string,
): Promise<boolean> {
  const [after] = await env.db.update(appeals)
    .set({ escalations: [...a.escalations, key], version: a.version + 1, updatedAt: env.now })
    .where(and(eq(appeals.id, a.id), eq(appeals.version, a.version))).returning();
  if (!after) return false;
  await recordEvent(env, after, { action: 'escalate', actor: SYSTEM, note });
  await env.audit({ action: 'appeal.escalate', entity: 'appeal', entityId: a.id, before: auditView(a), after: auditView(after) }, false);
  for (const r of recipients) await env.send(r, reply, `appeal-escalate:${a.id}:r${a.round}:${key}:${r.platform}:${r.id}`);
  return true;
}
