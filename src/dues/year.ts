/** A branch's dues year, member by member: what 台账 shows and 导出 writes. */
import type { LedgerEntry, MemberLedger, MonthState } from './ledger.ts';
import { sumFen } from './ledger.ts';

export interface YearRow {
  memberId: number;
  name: string;
  status: string;
  /** Index 0 = January; undefined where the ledger has no amount (not yet a member, no standard). */
  months: (LedgerEntry | undefined)[];
  /** Due so far: months up to the current one (all twelve for a past year). */
  dueFen: number;
  paidFen: number;
  pendingFen: number;
  owedFen: number;
  /** Paid ahead of the current month. */
  advanceFen: number;
}

export interface YearTotals {
  dueFen: number;
  paidFen: number;
  pendingFen: number;
  owedFen: number;
  advanceFen: number;
}

const settled = (s: MonthState) => s === 'paid' || s === 'pending';

export function yearRows(ledgers: readonly MemberLedger[], year: number, currentMonth: string): YearRow[] {
  return ledgers.map((l) => {
    const months = Array.from({ length: 12 }, (_, i) => {
      const key = `${year}-${String(i + 1).padStart(2, '0')}`;
      return l.entries.find((e) => e.month === key);
    });
    const present = months.filter((e): e is LedgerEntry => e !== undefined);
    const due = present.filter((e) => e.month <= currentMonth);
    return {
      memberId: l.member.id,
      name: l.member.name,
      status: l.member.status,
      months,
      dueFen: sumFen(due),
      paidFen: sumFen(due.filter((e) => e.state === 'paid')),
      pendingFen: sumFen(due.filter((e) => e.state === 'pending')),
      owedFen: sumFen(due.filter((e) => e.state === 'unpaid')),
      advanceFen: sumFen(present.filter((e) => e.month > currentMonth && settled(e.state))),
    };
  });
}

export function yearTotals(rows: readonly YearRow[]): YearTotals {
  const t: YearTotals = { dueFen: 0, paidFen: 0, pendingFen: 0, owedFen: 0, advanceFen: 0 };
  for (const r of rows) {
    t.dueFen += r.dueFen; t.paidFen += r.paidFen; t.pendingFen += r.pendingFen; t.owedFen += r.owedFen; t.advanceFen += r.advanceFen;
  }
  return t;
}

/** Month numbers of one state within the year: `1-10月、12月`. */
export function monthNumbers(row: YearRow, pick: (e: LedgerEntry) => boolean): string {
  const nums = row.months.flatMap((e, i) => (e && pick(e) ? [i + 1] : []));
  const runs: [number, number][] = [];
  for (const n of nums) {
    const last = runs.at(-1);
    if (last && last[1] + 1 === n) last[1] = n;
    else runs.push([n, n]);
  }
  return runs.length ? `${runs.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join('、')}月` : '';
}

export const STATE_ZH: Record<MonthState, string> = { paid: '已交', pending: '待确认', unpaid: '未交', exempt: '免交' };
