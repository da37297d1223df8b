/**
 * Appeal figures for a branch and a period (问题台账 and the monthly scorecard):
 * - received: submitted in the period;
 * - resolved (办结): resolved in the period (a reopened appeal counts when it is resolved again);
 * - onTimeRate: of those resolved, the share resolved within the resolve deadline;
 * - closureRate (办结率): of those received (returned ones left out), the share resolved by now;
 * - averageRating: ratings given in the period, 1–5.
 * Rates are null when there is nothing to divide by.
 */
import { and, eq, gte, lt, sql, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { appeals } from '../../db/schema/index.ts';
import { periodFromKey } from '../domain/calendar.ts';

export interface AppealFigures {
  received: number;
  resolved: number;
  resolvedOnTime: number;
  onTimeRate: number | null;
  closureRate: number | null;
  rated: number;
  averageRating: number | null;
}

export interface Span {
  start: Date;
  end: Date;
}

const EMPTY: AppealFigures = {
  received: 0, resolved: 0, resolvedOnTime: 0, onTimeRate: null, closureRate: null, rated: 0, averageRating: null,
};

const inSpan = (col: SQLWrapper, s: Span) =>
  sql`(${col} >= ${s.start.toISOString()}::timestamptz and ${col} < ${s.end.toISOString()}::timestamptz)`;

/** Figures per branch of the tenant (only branches with activity in the span), in one query. */
export async function figuresByBranch(db: Db, tenantId: number, span: Span, branchId?: number): Promise<Map<number, AppealFigures>> {
  const received = inSpan(appeals.submittedAt, span);
  const resolved = inSpan(appeals.resolvedAt, span);
  const rated = inSpan(appeals.ratedAt, span);
  const rows = await db.select({
    branchId: appeals.branchId,
    received: sql<number>`count(*) filter (where ${received})::int`,
    valid: sql<number>`count(*) filter (where ${received} and ${appeals.state} <> 'returned')::int`,
    done: sql<number>`count(*) filter (where ${received} and ${appeals.state} in ('resolved', 'closed'))::int`,
    resolved: sql<number>`count(*) filter (where ${resolved})::int`,
    onTime: sql<number>`count(*) filter (where ${resolved} and ${appeals.resolvedOnTime})::int`,
    rated: sql<number>`count(*) filter (where ${rated})::int`,
    ratingSum: sql<number>`coalesce(sum(${appeals.rating}) filter (where ${rated}), 0)::int`,
  }).from(appeals)
    .where(and(eq(appeals.tenantId, tenantId), branchId === undefined ? undefined : eq(appeals.branchId, branchId),
      sql`(${received} or ${resolved} or ${rated})`))
    .groupBy(appeals.branchId);
  return new Map(rows.map((r) => [r.branchId, {
    received: r.received,
    resolved: r.resolved,
    resolvedOnTime: r.onTime,
    onTimeRate: r.resolved ? r.onTime / r.resolved : null,
    closureRate: r.valid ? r.done / r.valid : null,
    rated: r.rated,
    averageRating: r.rated ? r.ratingSum / r.rated : null,
  }]));
}

export async function branchFigures(db: Db, tenantId: number, branchId: number, span: Span): Promise<AppealFigures> {
  return (await figuresByBranch(db, tenantId, span, branchId)).get(branchId) ?? { ...EMPTY };
}

/** What the monthly scorecard (#9) shows for a branch's appeals. */
export interface AppealScorecard {
  received: number;
  /** 办结: resolved in the month. */
  closed: number;
  onTimeRate: number | null;
  averageRating: number | null;
}

/** One branch's appeal figures for a month `YYYY-MM` (local calendar of `tz`), for the monthly scorecard. */
export async function appealScorecard(db: Db, tenantId: number, branchId: number, month: string, tz: string): Promise<AppealScorecard> {
  const p = periodFromKey(month, tz);
  if (!p || p.kind !== 'month') throw new RangeError(`Not a YYYY-MM month: ${month}`);
  const f = await branchFigures(db, tenantId, branchId, p);
  return { received: f.received, closed: f.resolved, onTimeRate: f.onTimeRate, averageRating: f.averageRating };
}

/** Appeals received in the span per category, most frequent first. */
export async function categoryCounts(db: Db, tenantId: number, branchId: number, span: Span) {
  const rows = await db.select({ category: appeals.category, count: sql<number>`count(*)::int` }).from(appeals)
    .where(and(eq(appeals.tenantId, tenantId), eq(appeals.branchId, branchId),
      gte(appeals.submittedAt, span.start), lt(appeals.submittedAt, span.end)))
    .groupBy(appeals.category);
  // Sorted here: the databases' collations order Chinese text differently.
  return rows.sort((a, b) => b.count - a.count || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
}

export const percent = (r: number | null) => (r === null ? '—' : `${Math.round(r * 1000) / 10}%`);
export const stars = (r: number | null) => (r === null ? '—' : `${(Math.round(r * 10) / 10).toFixed(1)}分`);
