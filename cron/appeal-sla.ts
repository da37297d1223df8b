/**
 * 接诉即办 clock, every 15 minutes: an appeal past its accept or resolve deadline escalates once to
 * the branch 书记 and once more to the parent organisation's admins; an appeal nobody can handle is
 * put before the admins; a resolution unchallenged for 7 days is archived (closed); stale drafts go.
 */
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appealDrafts, appeals, members, tenants } from '../db/schema/index.ts';
import { jobEnv } from '../src/appeals/env.ts';
import { branchNames, escalationCard, parentAdmins, secretaries, sendEscalation, type TenantRow } from '../src/appeals/escalation.ts';
import { OPEN_STATES } from '../src/appeals/format.ts';
import { notifySubmitter } from '../src/appeals/notify.ts';
import { loadSlaContext } from '../src/appeals/sla.ts';
import { SYSTEM, applyChange } from '../src/appeals/store.ts';
import { DRAFT_TTL_MS } from '../src/appeals/submit.ts';
import { REOPEN_DAYS, overdue, transition, type AppealState, type EscalationKey } from '../src/domain/appeals.ts';
import { localParts } from '../src/domain/calendar.ts';
import { coversYear } from '../src/domain/workdays.ts';
import { enqueue } from '../src/notify/outbox.ts';
import type { Job, JobDeps } from './job.ts';

const NAME = 'appeal-sla';
const UNASSIGNED = 'unassigned';

export const appealSla: Job = {
  name: NAME,
  cron: '*/15 * * * *',
  description: '每15分钟检查职工诉求办理时限：超时先提醒支部书记，仍未办理再提醒上级党组织管理员；办结满7天未申请重办的归档',
  async run(now, deps) {
    const counts = { escalated: 0, unassigned: 0, closed: 0, drafts: 0, calendar: 0 };
    const drafts = await deps.db.delete(appealDrafts).where(lt(appealDrafts.createdAt, new Date(now.getTime() - DRAFT_TTL_MS)))
      .returning({ id: appealDrafts.id });
    counts.drafts = drafts.length;
    const active = await deps.db.selectDistinct({ id: appeals.tenantId }).from(appeals)
      .where(inArray(appeals.state, [...OPEN_STATES, 'resolved']));
    if (!active.length) return counts;
    const rows = await deps.db.select().from(tenants).where(inArray(tenants.id, active.map((t) => t.id)));
    for (const tenant of rows) {
      counts.escalated += await escalateTenant(tenant, now, deps, counts);
      counts.closed += await archiveResolved(tenant, now, deps);
      counts.calendar += await calendarReminder(tenant, now, deps);
    }
    return counts;
  },
};

/** Not yet escalated at both levels on this clock (long-overdue appeals are not re-read every run). */
const notAll = (clock: 'accept' | 'resolve') =>
  sql`not (${appeals.escalations} @> array[${`${clock}:secretary`}, ${`${clock}:parent_admins`}]::text[])`;

async function escalateTenant(tenant: TenantRow, now: Date, deps: JobDeps, counts: { unassigned: number }): Promise<number> {
  const { db, tz } = deps;
  const late = await db.select({ a: appeals, handler: members.name }).from(appeals)
    .leftJoin(members, eq(members.id, appeals.handlerId))
    .where(and(eq(appeals.tenantId, tenant.id), or(
      and(inArray(appeals.state, ['submitted', 'transferred']), lt(appeals.acceptBy, now), notAll('accept')),
      and(inArray(appeals.state, ['accepted', 'reopened']), lt(appeals.resolveBy, now), notAll('resolve')),
      and(isNull(appeals.handlerId), inArray(appeals.state, ['submitted', 'transferred']),
        sql`not (${UNASSIGNED} = any(${appeals.escalations}))`),
    )));
  if (!late.length) return 0;
  const sla = await loadSlaContext(db, tenant, tz);
  const branchIds = late.map((r) => r.a.branchId);
  const [chiefs, names, admins] = await Promise.all([
    secretaries(db, tenant, branchIds), branchNames(db, tenant.id, branchIds), parentAdmins(db, tenant, deps.config.admins),
  ]);
  let sent = 0;
  for (const { a, handler } of late) {
    const branch = names.get(a.branchId) ?? '';
    if (a.handlerId === null && (a.state === 'submitted' || a.state === 'transferred') && !a.escalations.includes(UNASSIGNED)) {
      const reply = {
        kind: 'card' as const, title: `诉求 ${a.number} 没有承办人`, tone: 'warning' as const,
        text: `${branch}还没有书记、副书记，也没有设置诉求分派，诉求 ${a.number}（${a.category}）无人承办。`
          + `请发送“诉求 转办 ${a.number} <承办人> <原因>”指定承办人，并用“诉求 分派”为该支部设置承办人。`,
      };
      if (await inTx(db, tenant, now, tz, (env) => sendEscalation(env, a, UNASSIGNED, admins, reply, '无人承办，已提请管理员指定'))) {
        counts.unassigned++;
      }
      continue;
    }
    const e = overdue({
      state: a.state as AppealState, deadlines: { acceptBy: a.acceptBy, resolveBy: a.resolveBy }, now,
      sent: a.escalations as EscalationKey[], settings: sla.limitsFor(a.category), tz, overrides: sla.overrides,
    });
    if (!e) continue;
    const to = e.level === 'secretary' ? chiefs.get(a.branchId) ?? [] : admins;
    const note = `超过${e.clock === 'accept' ? '受理' : '办结'}时限，已提醒${e.level === 'secretary' ? '支部书记' : '上级党组织'}`;
    if (await inTx(db, tenant, now, tz, (env) => sendEscalation(env, a, e.key, to, escalationCard(a, e, branch, handler, tz), note))) sent++;
  }
  return sent;
}

/** Resolved appeals whose reopening window has passed: closed, and the submitter told. */
async function archiveResolved(tenant: TenantRow, now: Date, deps: JobDeps): Promise<number> {
  const cutoff = new Date(now.getTime() - REOPEN_DAYS * 86_400_000);
  const due = await deps.db.select().from(appeals)
    .where(and(eq(appeals.tenantId, tenant.id), eq(appeals.state, 'resolved'), lt(appeals.resolvedAt, cutoff)));
  let closed = 0;
  for (const a of due) {
    const t = transition('resolved', { type: 'close' });
    if (!t.ok) continue;
    await inTx(deps.db, tenant, now, deps.tz, async (env) => {
      const { after, eventId } = await applyChange(env, a, { action: 'close', actor: SYSTEM, patch: { state: t.state, closedAt: now } });
      const rate = after.rating === null ? `如还没有评价，可发送“诉求 评价 ${a.number} <1至5分>”。` : '';
      await notifySubmitter(env, after, `e${eventId}`, { kind: 'text', text: `您的诉求 ${a.number} 办结已满${REOPEN_DAYS}天，已归档。${rate}` });
      closed++;
      return true;
    });
  }
  return closed;
}

/**
 * chinese-days carries the State Council arrangements only up to its release; for a later year the
 * working days fall back to Monday–Friday. Tell the admins once per year (from December for the
 * coming year) until they enter the year's holidays with 工作日 设置.
 */
async function calendarReminder(tenant: TenantRow, now: Date, deps: JobDeps): Promise<number> {
  const p = localParts(now, deps.tz);
  const years = p.month === 12 ? [p.year, p.year + 1] : [p.year];
  const sla = await loadSlaContext(deps.db, tenant, deps.tz);
  const missing = years.filter((y) => !coversYear(y) && !Object.keys(sla.overrides).some((d) => d.startsWith(`${y}-`)));
  if (!missing.length) return 0;
  let n = 0;
  for (const recipient of await parentAdmins(deps.db, tenant, deps.config.admins)) {
    for (const y of missing) {
      const text = `系统尚未内置${y}年的法定节假日和调休安排，诉求等按工作日计算的时限目前按周一至周五计算。`
        + `国务院办公厅放假通知发布后，请发送“工作日 设置 <日期> 休息|上班”逐日录入，例如：工作日 设置 ${y}-01-01 休息 元旦。`;
      const dedupeKey = `workdays-missing:${tenant.id}:${y}:${recipient.platform}:${recipient.id}`;
      if (await enqueue(deps.db, { tenantId: tenant.id, recipient, reply: { kind: 'text', text }, dedupeKey }, { now, tz: deps.tz })) n++;
    }
  }
  return n;
}

/** One appeal's step in its own transaction; a conflict with a concurrent change just waits for the next run. */
async function inTx(db: Db, tenant: TenantRow, now: Date, tz: string, step: (env: ReturnType<typeof jobEnv>) => Promise<boolean>): Promise<boolean> {
  try {
    return await db.transaction((tx) => step(jobEnv(tx, tenant, now, tz, NAME)));
  } catch (err) {
    if ((err as Error).name === 'UserError') return false;
    throw err;
  }
}
