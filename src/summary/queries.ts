/**
 * Read-only aggregates per branch that the other features do not export, each one grouped query
 * for all the branches given. Only counts and sums leave this module, never a person.
 */
import { and, eq, gte, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { appeals, meetings, partyGroups, talks } from '../../db/schema/index.ts';
import { COMMITTEE_ROLES, PARTY_STATUSES } from '../bot/roles.ts';
import { monthKeysBetween } from '../domain/calendar.ts';
import type { HeldMeeting, MeetingKind } from '../domain/meetings.ts';
import type { DevelopmentSettings } from '../domain/development.ts';
import { tenantInDevelopment } from '../development/store.ts';
import { openObligations } from '../development/timeline.ts';
import { rowsOf } from '../../db/rows.ts';
import type { SinceByKind } from './figures.ts';

const pgArray = (xs: readonly string[]) => `{${xs.map((x) => `"${x}"`).join(',')}}`;

export interface DuesMonth {
  /** Party members with something to pay that month (exempt ones left out). */
  due: number;
  /** Confirmed by the 出纳. */
  paid: number;
  /** Recorded by the 会计, not yet confirmed. */
  pending: number;
  dueFen: number;
  paidFen: number;
}

export interface DuesFigures {
  months: Map<string, DuesMonth>;
  /** Members owing for a month in `from` … the month before `to`. */
  overdueMembers: number;
}

export const NO_DUES: DuesMonth = { due: 0, paid: 0, pending: 0, dueFen: 0, paidFen: 0 };

/**
 * The dues ledger of a tenant's branches for `from`..`to` ('YYYY-MM'), by the rule of
 * src/dues/ledger-sql.ts (a month takes the latest standard effective on or before it; the ledger
 * opens with the 预备党员 month). Unlike that CTE it narrows the paid months to the tenant's members
 * before joining, so no hash of every tenant's payments is built (test/summary keeps the two in step).
 */
function ledger(tenantId: number, branchIds: readonly number[], from: string, to: string) {
  const months = sql.join(monthKeysBetween(from, to).map((m) => sql`(${m})`), sql`, `);
  return sql`with mem as materialized (
      select id, branch_id, coalesce(to_char(probationary_since, 'YYYY-MM'), '0000-00') as start
      from members
      where tenant_id = ${tenantId} and active and status = any(${pgArray(PARTY_STATUSES)}::text[])
        and ${inArray(sql`branch_id`, [...branchIds])}
    ), months(month) as (
      values ${months}
    ), prof as (
      select p.member_id, p.effective_month, p.amount_fen,
        lead(p.effective_month) over (partition by p.member_id order by p.effective_month) as next_month
      from dues_profiles p where p.tenant_id = ${tenantId} and p.member_id in (select id from mem)
    ), paid as materialized (
      select pm.member_id, pm.month, pm.confirmed from dues_paid_months pm
      where pm.tenant_id = ${tenantId} and pm.month >= ${from} and pm.month <= ${to} and pm.member_id in (select id from mem)
    ), ledger as (
      select mem.id as member_id, mem.branch_id, months.month, prof.amount_fen, paid.confirmed as paid
      from mem
      join prof on prof.member_id = mem.id
      join months on months.month >= prof.effective_month and (prof.next_month is null or months.month < prof.next_month)
        and months.month >= mem.start
      left join paid on paid.member_id = mem.id and paid.month = months.month
    )`;
}

/** Per branch: each month of `from`..`to` ('YYYY-MM'), and who still owes for the earlier months. */
export async function duesByBranch(
  db: Db, tenantId: number, branchIds: readonly number[], from: string, to: string,
): Promise<Map<number, DuesFigures>> {
  const out = new Map<number, DuesFigures>();
  if (!branchIds.length) return out;
  const rows = rowsOf<{ branch_id: number; month: string; due: number; paid: number; pending: number; due_fen: number; paid_fen: number; overdue: number }>(
    await db.execute(sql`${ledger(tenantId, branchIds, from, to)}, per_month as (
        select branch_id, month,
          count(*) filter (where amount_fen > 0) as due,
          count(*) filter (where amount_fen > 0 and paid) as paid,
          count(*) filter (where amount_fen > 0 and paid = false) as pending,
          coalesce(sum(amount_fen), 0) as due_fen,
          coalesce(sum(amount_fen) filter (where paid), 0) as paid_fen
        from ledger group by branch_id, month
      ), owing as (
        select branch_id, count(distinct member_id) as overdue
        from ledger where month < ${to} and paid is null and amount_fen > 0 group by branch_id
      )
      select p.branch_id, p.month, p.due::int, p.paid::int, p.pending::int, p.due_fen::float8, p.paid_fen::float8,
        coalesce(o.overdue, 0)::int as overdue
      from per_month p left join owing o on o.branch_id = p.branch_id`),
  );
  for (const r of rows) {
    const id = Number(r.branch_id);
    const f = out.get(id) ?? { months: new Map<string, DuesMonth>(), overdueMembers: Number(r.overdue) };
    f.months.set(r.month, {
      due: Number(r.due), paid: Number(r.paid), pending: Number(r.pending), dueFen: Number(r.due_fen), paidFen: Number(r.paid_fen),
    });
    out.set(id, f);
  }
  return out;
}

export interface TalkCounts {
  held: number;
  upcoming: number;
}

/** Talks held in [from, to) and talks agreed or proposed for [to, until), counted by the guest's branch. */
export async function talkCounts(
  db: Db, tenantId: number, branchIds: readonly number[], from: Date, to: Date, until: Date,
): Promise<Map<number, TalkCounts>> {
  if (!branchIds.length) return new Map();
  const held = and(eq(talks.status, 'held'), gte(talks.heldAt, from), lt(talks.heldAt, to));
  const upcoming = and(inArray(talks.status, ['invited', 'countered', 'accepted']), gte(talks.scheduledAt, to), lt(talks.scheduledAt, until));
  const rows = await db.select({
    branchId: talks.branchId,
    held: sql<number>`count(*) filter (where ${held})::int`,
    upcoming: sql<number>`count(*) filter (where ${upcoming})::int`,
  }).from(talks)
    .where(and(eq(talks.tenantId, tenantId), inArray(talks.branchId, [...branchIds]), or(held, upcoming)))
    .groupBy(talks.branchId);
  return new Map(rows.map((r) => [r.branchId, { held: r.held, upcoming: r.upcoming }]));
}

export interface Coverage {
  /** Active party members (预备 and 正式). */
  party: number;
  /** Of those, how many had a talk with a committee member of their branch in [yearStart, cutoff). */
  covered: number;
}

/**
 * 谈心谈话 coverage, the rule of src/domain/talks.ts `coverage` in one query: a party member is
 * covered by a held talk with a committee member of the same branch other than themselves.
 */
export async function coverageByBranch(
  db: Db, tenantId: number, branchIds: readonly number[], yearStart: Date, cutoff: Date,
): Promise<Map<number, Coverage>> {
  if (!branchIds.length) return new Map();
  const rows = rowsOf<{ branch_id: number; party: number; covered: number }>(await db.execute(sql`
    with mem as (
      select id, branch_id, status, roles && ${pgArray(COMMITTEE_ROLES)}::text[] as committee
      from members where tenant_id = ${tenantId} and active and ${inArray(sql`branch_id`, [...branchIds])}
    ), held as (
      select host_id, guest_id from talks
      where tenant_id = ${tenantId} and status = 'held'
        and held_at >= ${yearStart.toISOString()}::timestamptz and held_at < ${cutoff.toISOString()}::timestamptz
    ), pairs as (
      select host_id as a, guest_id as b from held union all select guest_id, host_id from held
    ), covered as (
      select distinct p.a as id from pairs p
      join mem me on me.id = p.a
      join mem other on other.id = p.b and other.committee and other.branch_id = me.branch_id
      where p.a <> p.b
    )
    select mem.branch_id, count(*)::int as party, count(covered.id)::int as covered
    from mem left join covered on covered.id = mem.id
    where mem.status = any(${pgArray(PARTY_STATUSES)}::text[])
    group by mem.branch_id`));
  return new Map(rows.map((r) => [Number(r.branch_id), { party: Number(r.party), covered: Number(r.covered) }]));
}

/**
 * Held meetings by branch, each kind read only from its own limit in `since` (a yearly kind back to
 * January, a monthly one to this or last month) and before `to`: a fraction of a year's records.
 */
export async function heldSince(
  db: Db, tenantId: number, branchIds: readonly number[], since: SinceByKind, to: Date,
): Promise<Map<number, HeldMeeting[]>> {
  const out = new Map<number, HeldMeeting[]>();
  const byStart = new Map<number, MeetingKind[]>();
  for (const [kind, d] of Object.entries(since) as [MeetingKind, Date][]) byStart.set(d.getTime(), [...(byStart.get(d.getTime()) ?? []), kind]);
  if (!branchIds.length || !byStart.size) return out;
  const rows = await db.select({ branchId: meetings.branchId, kind: meetings.kind, partyGroupId: meetings.partyGroupId, heldAt: meetings.heldAt })
    .from(meetings)
    .where(and(eq(meetings.tenantId, tenantId), eq(meetings.status, 'held'), inArray(meetings.branchId, [...branchIds]),
      lt(meetings.heldAt, to),
      or(...[...byStart].map(([start, kinds]) => and(inArray(meetings.kind, kinds), gte(meetings.heldAt, new Date(start)))))))
    .orderBy(meetings.heldAt, meetings.id);
  for (const r of rows) {
    const list = out.get(r.branchId) ?? [];
    list.push({ kind: r.kind as MeetingKind, partyGroupId: r.partyGroupId, heldAt: r.heldAt });
    out.set(r.branchId, list);
  }
  return out;
}

export interface MeetingItem {
  kind: MeetingKind;
  partyGroupName?: string;
  at: Date;
}

/** Meetings announced (planned) for [from, to), by branch, earliest first. */
export async function plannedByBranch(
  db: Db, tenantId: number, branchIds: readonly number[], from: Date, to: Date,
): Promise<Map<number, MeetingItem[]>> {
  const out = new Map<number, MeetingItem[]>();
  if (!branchIds.length) return out;
  const rows = await db.select({ branchId: meetings.branchId, kind: meetings.kind, group: partyGroups.name, at: meetings.heldAt })
    .from(meetings).leftJoin(partyGroups, eq(partyGroups.id, meetings.partyGroupId))
    .where(and(eq(meetings.tenantId, tenantId), eq(meetings.status, 'planned'), inArray(meetings.branchId, [...branchIds]),
      gte(meetings.heldAt, from), lt(meetings.heldAt, to)))
    .orderBy(meetings.heldAt, meetings.id);
  for (const r of rows) {
    const list = out.get(r.branchId) ?? [];
    list.push({ kind: r.kind as MeetingKind, at: r.at, ...(r.group ? { partyGroupName: r.group } : {}) });
    out.set(r.branchId, list);
  }
  return out;
}

/** Appeals past their accept or resolve deadline at `now` (as the SLA job sees them), by branch. */
export async function overdueAppeals(db: Db, tenantId: number, branchIds: readonly number[], now: Date): Promise<Map<number, number>> {
  if (!branchIds.length) return new Map();
  const rows = await db.select({ branchId: appeals.branchId, n: sql<number>`count(*)::int` }).from(appeals)
    .where(and(eq(appeals.tenantId, tenantId), inArray(appeals.branchId, [...branchIds]), or(
      and(inArray(appeals.state, ['submitted', 'transferred']), lt(appeals.acceptBy, now)),
      and(inArray(appeals.state, ['accepted', 'reopened']), lt(appeals.resolveBy, now)),
    )))
    .groupBy(appeals.branchId);
  return new Map(rows.map((r) => [r.branchId, r.n]));
}

/** 发展党员 time limits already passed on `today`, counted per branch (two queries per tenant). */
export async function overdueDevelopment(
  db: Db, tenantId: number, settings: DevelopmentSettings, today: string,
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const { member, steps } of await tenantInDevelopment(db, tenantId)) {
    if (member.branchId === null) continue;
    const n = openObligations(member, steps, settings, today).filter((o) => o.level === 'overdue').length;
    if (n) out.set(member.branchId, (out.get(member.branchId) ?? 0) + n);
  }
  return out;
}
