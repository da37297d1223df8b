/**
 * Ledgers for commands (one member, or one branch): a few queries, then the pure rules of
 * src/domain/dues.ts month by month. The jobs use the set-based SQL in unpaid-sql.ts instead.
 */
import { and, eq, gte, inArray, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { duesPaidMonths, duesProfiles, members } from '../../db/schema/index.ts';
import { PARTY_STATUSES } from '../bot/roles.ts';
import {
  consecutiveUnpaid, isDuesCategory, ledgerMonths, type DatedDuesProfile,
} from '../domain/dues.ts';

export type MonthState = 'unpaid' | 'pending' | 'paid' | 'exempt';

export interface LedgerEntry {
  month: string;
  amountFen: number;
  state: MonthState;
  paymentId?: number;
}

export type ProfileRow = typeof duesProfiles.$inferSelect;

export interface MemberLedger {
  member: { id: number; name: string; branchId: number | null; status: string };
  /** All profiles, oldest first. */
  profiles: ProfileRow[];
  /** Months from the ledger's opening to `until` that have a standard. */
  entries: LedgerEntry[];
}

export function toDated(p: ProfileRow): DatedDuesProfile {
  if (!isDuesCategory(p.category)) throw new Error(`dues profile ${p.id} has unknown category ${p.category}`);
  return {
    category: p.category,
    effectiveMonth: p.effectiveMonth,
    ...(p.baseFen === null ? {} : { baseFen: p.baseFen }),
    ...(p.fixedFen === null ? {} : { fixedFen: p.fixedFen }),
  };
}

/** The profile in force in `month`, if any. */
export function profileIn(profiles: readonly ProfileRow[], month: string): ProfileRow | undefined {
  return profiles.filter((p) => p.effectiveMonth <= month).sort((a, b) => a.effectiveMonth.localeCompare(b.effectiveMonth)).at(-1);
}

/**
 * Ledgers of the active party members of a branch (or the given members), through `until`.
 * The ledger opens with the 预备党员 month (党费规定 Art.8), or with the first standard when that date
 * is unknown; months before the first standard have no amount and are left out.
 */
export async function loadLedgers(
  db: Db,
  scope: { tenantId: number; branchId?: number; memberIds?: number[] },
  range: { from?: string; until: string },
): Promise<MemberLedger[]> {
  const where = [eq(members.tenantId, scope.tenantId), eq(members.active, true), inArray(members.status, [...PARTY_STATUSES])];
  if (scope.branchId !== undefined) where.push(eq(members.branchId, scope.branchId));
  if (scope.memberIds) where.push(inArray(members.id, scope.memberIds.length ? scope.memberIds : [-1]));
  const people = await db.select().from(members).where(and(...where)).orderBy(members.id);
  if (people.length === 0) return [];
  const ids = people.map((p) => p.id);
  const profiles = await db.select().from(duesProfiles)
    .where(and(eq(duesProfiles.tenantId, scope.tenantId), inArray(duesProfiles.memberId, ids)))
    .orderBy(duesProfiles.effectiveMonth);
  const paidWhere = [eq(duesPaidMonths.tenantId, scope.tenantId), inArray(duesPaidMonths.memberId, ids),
    lte(duesPaidMonths.month, range.until)];
  if (range.from) paidWhere.push(gte(duesPaidMonths.month, range.from));
  const paid = await db.select().from(duesPaidMonths).where(and(...paidWhere));

  const paidBy = new Map(paid.map((p) => [`${p.memberId}:${p.month}`, p]));
  return people.map((m) => {
    const own = profiles.filter((p) => p.memberId === m.id);
    const first = own[0];
    const opened = m.probationarySince ?? (first ? `${first.effectiveMonth}-01` : undefined);
    const rows = opened ? ledgerMonths({ probationarySince: opened, profiles: own.map(toDated), until: range.until }) : [];
    const entries: LedgerEntry[] = [];
    for (const r of rows) {
      if (r.amountFen === null || (range.from && r.month < range.from)) continue;
      const p = paidBy.get(`${m.id}:${r.month}`);
      const state: MonthState = p ? (p.confirmed ? 'paid' : 'pending') : r.amountFen === 0 ? 'exempt' : 'unpaid';
      entries.push({ month: r.month, amountFen: r.amountFen, state, ...(p ? { paymentId: p.paymentId } : {}) });
    }
    return { member: { id: m.id, name: m.name, branchId: m.branchId, status: m.status }, profiles: own, entries };
  });
}

/** Months still owed (not paid, not awaiting the 出纳's confirmation). */
export function owedEntries(l: MemberLedger, through: string): LedgerEntry[] {
  return l.entries.filter((e) => e.state === 'unpaid' && e.month <= through);
}

/** Overdue months in a row before `currentMonth`; a payment awaiting confirmation counts as paid. */
export function overdueRun(l: MemberLedger, currentMonth: string): number {
  return consecutiveUnpaid(l.entries.map((e) => ({ month: e.month, paid: e.state !== 'unpaid', amountFen: e.amountFen })), currentMonth);
}

export const sumFen = (entries: readonly { amountFen: number }[]) => entries.reduce((s, e) => s + e.amountFen, 0);
