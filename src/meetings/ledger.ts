/**
 * Which required meetings each branch held, missed or still owes (the 台账), read set-based so a
 * job can cover every branch of a tenant in a few queries.
 */
import { and, asc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { meetings, members, partyGroups } from '../../db/schema/index.ts';
import { zonedInstant } from '../domain/calendar.ts';
import {
  compliance, requiredMeetings, type BranchShape, type Cadences, type ComplianceEntry, type HeldMeeting, type MeetingKind,
} from '../domain/meetings.ts';
import { formatDate } from '../bot/time.ts';
import { CADENCE_LABELS, meetingTitle, shortPeriodLabel } from './format.ts';

/** 正式党员 count and 党小组 of each branch of a tenant (or of the branches given). */
export async function branchShapes(db: Db, tenantId: number, branchIds?: readonly number[]): Promise<Map<number, BranchShape>> {
  const byBranch = (col: typeof members.branchId | typeof partyGroups.branchId): SQL[] =>
    branchIds ? [inArray(col, [...branchIds])] : [];
  const counts = await db.select({ branchId: members.branchId, n: sql<number>`count(*)::int` })
    .from(members)
    .where(and(eq(members.tenantId, tenantId), eq(members.active, true), eq(members.status, '正式党员'), ...byBranch(members.branchId)))
    .groupBy(members.branchId);
  const groups = await db.select({ id: partyGroups.id, name: partyGroups.name, branchId: partyGroups.branchId })
    .from(partyGroups)
    .where(and(eq(partyGroups.tenantId, tenantId), ...byBranch(partyGroups.branchId)))
    .orderBy(asc(partyGroups.id));
  const out = new Map<number, { fullMemberCount: number; partyGroups: { id: number; name: string }[] }>();
  const shape = (id: number) => {
    let s = out.get(id);
    if (!s) out.set(id, (s = { fullMemberCount: 0, partyGroups: [] }));
    return s;
  };
  for (const c of counts) if (c.branchId !== null) shape(c.branchId).fullMemberCount = c.n;
  for (const g of groups) shape(g.branchId).partyGroups.push({ id: g.id, name: g.name });
  return out;
}

/** Held meetings per branch with `from <= heldAt <= to`. */
export async function heldByBranch(
  db: Db, tenantId: number, from: Date, to: Date, branchId?: number,
): Promise<Map<number, HeldMeeting[]>> {
  const rows = await db.select({ branchId: meetings.branchId, kind: meetings.kind, partyGroupId: meetings.partyGroupId, heldAt: meetings.heldAt })
    .from(meetings)
    .where(and(eq(meetings.tenantId, tenantId), eq(meetings.status, 'held'), gte(meetings.heldAt, from), lte(meetings.heldAt, to),
      ...(branchId === undefined ? [] : [eq(meetings.branchId, branchId)])));
  const out = new Map<number, HeldMeeting[]>();
  for (const r of rows) {
    const list = out.get(r.branchId) ?? [];
    list.push({ kind: r.kind as MeetingKind, partyGroupId: r.partyGroupId, heldAt: r.heldAt });
    out.set(r.branchId, list);
  }
  return out;
}

export const EMPTY_SHAPE: BranchShape = { fullMemberCount: 0, partyGroups: [] };

/** Every period of `year` up to now, for each meeting the branch owes; empty for a year not yet begun. */
export async function yearCompliance(
  db: Db, tenantId: number, branchId: number, year: number, now: Date, tz: string, cadences: Cadences,
): Promise<{ shape: BranchShape; entries: ComplianceEntry[] }> {
  const start = zonedInstant(year, 1, 1, 0, 0, tz);
  const end = zonedInstant(year + 1, 1, 1, 0, 0, tz);
  const shape = (await branchShapes(db, tenantId, [branchId])).get(branchId) ?? EMPTY_SHAPE;
  if (start > now) return { shape, entries: [] };
  const held = (await heldByBranch(db, tenantId, start, now, branchId)).get(branchId) ?? [];
  const entries = compliance(requiredMeetings(shape, cadences), held, now, tz, { from: start })
    .filter((e) => e.period.start >= start && e.period.start < end);
  return { shape, entries };
}

export interface LedgerLine {
  label: string;
  value: string;
  entries: ComplianceEntry[];
}

/** One line per required meeting: 已开 10 期；未开：3月、5月；12月尚未召开. */
export function ledgerLines(entries: readonly ComplianceEntry[], tz: string): LedgerLine[] {
  const lines = new Map<string, LedgerLine>();
  for (const e of entries) {
    const key = `${e.kind}:${e.partyGroupId ?? ''}`;
    let line = lines.get(key);
    if (!line) {
      line = { label: `${meetingTitle(e.kind, e.partyGroupName)}（${CADENCE_LABELS[e.cadence]}）`, value: '', entries: [] };
      lines.set(key, line);
    }
    line.entries.push(e);
  }
  for (const line of lines.values()) line.value = describe(line.entries, tz);
  return [...lines.values()];
}

function describe(entries: readonly ComplianceEntry[], tz: string): string {
  const only = entries.length === 1 ? entries[0]! : undefined;
  if (only) {
    if (only.status === 'held') return `已召开（${formatDate(only.heldAt!, tz)}）`;
    return only.status === 'missing' ? '未召开' : '尚未召开';
  }
  const held = entries.filter((e) => e.status === 'held').length;
  const missing = entries.filter((e) => e.status === 'missing').map((e) => shortPeriodLabel(e.period.key));
  const open = entries.find((e) => e.status === 'open');
  const parts = [`已开 ${held} 期`];
  if (missing.length) parts.push(`未开：${missing.join('、')}`);
  if (open) parts.push(`${shortPeriodLabel(open.period.key)}尚未召开`);
  return parts.join('；');
}
