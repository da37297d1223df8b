/**
 * The ledger as one set-based query, for jobs over thousands of members: the same rule as
 * ledger.ts (each month takes the latest standard effective on or before it; the ledger opens with
 * the 预备党员 month) without a query per member. A test keeps the two in agreement.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf } from '../../db/rows.ts';
import { members } from '../../db/schema/index.ts';
import { PARTY_STATUSES } from '../bot/roles.ts';
import { monthKeysBetween } from '../domain/calendar.ts';

/**
 * CTE `ledger(member_id, tenant_id, branch_id, name, month, amount_fen, paid)` for the active party
 * members of `branchIds`, months `from`..`to` ('YYYY-MM'); `paid` is null (nothing recorded),
 * false (awaiting the 出纳) or true (confirmed).
 */
export function ledgerCte(branchIds: readonly number[], from: string, to: string): SQL {
  return sql`with mem as materialized (
    select id, tenant_id, branch_id, name, coalesce(to_char(probationary_since, 'YYYY-MM'), '0000-00') as start
    from ${members}
    where ${inArray(members.branchId, [...branchIds])} and ${members.active}
      and ${inArray(members.status, [...PARTY_STATUSES])}
  ), prof as (
    select p.member_id, p.effective_month, p.amount_fen,
      lead(p.effective_month) over (partition by p.member_id order by p.effective_month) as next_month
    from dues_profiles p join mem on mem.id = p.member_id
    where p.effective_month <= ${to}
  ), paid as (
    select pm.member_id, pm.month, pm.confirmed from dues_paid_months pm join mem on mem.id = pm.member_id
    where pm.month between ${from} and ${to}
  ), months(month) as (
    values ${sql.join(monthKeysBetween(from, to).map((m) => sql`(${m}::text)`), sql`, `)}
  ), ledger as (
    select mem.id as member_id, mem.tenant_id, mem.branch_id, mem.name, months.month, prof.amount_fen, paid.confirmed as paid
    from mem
    join prof on prof.member_id = mem.id
    join months on months.month >= greatest(prof.effective_month, mem.start)
      and (prof.next_month is null or months.month < prof.next_month)
    left join paid on paid.member_id = mem.id and paid.month = months.month
  )`;
}

/**
 * Runs one ledger query. JIT compilation would cost more than the query itself (the planner cannot
 * see that each member has only a handful of months), so it is switched off for the transaction.
 */
async function query<T>(db: Db, q: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    return rowsOf<T>(await tx.execute(q));
  });
}

export interface UnpaidMember {
  memberId: number;
  tenantId: number;
  branchId: number;
  name: string;
  /** Unpaid months with something owed, oldest first, with their amounts. */
  months: string[];
  amounts: number[];
}

/** Members of `branchIds` with unpaid months in `from`..`to`: one row each. */
export async function unpaidMembers(db: Db, branchIds: readonly number[], from: string, to: string): Promise<UnpaidMember[]> {
  if (branchIds.length === 0 || from > to) return [];
  const rows = await query<{ member_id: number; tenant_id: number; branch_id: number; name: string; months: string[]; amounts: number[] }>(
    db, sql`${ledgerCte(branchIds, from, to)}
      select member_id, tenant_id, branch_id, name,
        array_agg(month order by month) as months, array_agg(amount_fen order by month) as amounts
      from ledger where paid is null and amount_fen > 0
      group by member_id, tenant_id, branch_id, name
      order by member_id`);
  return rows.map((r) => ({
    memberId: Number(r.member_id), tenantId: Number(r.tenant_id), branchId: Number(r.branch_id), name: r.name,
    months: r.months, amounts: r.amounts.map(Number),
  }));
}

export interface BranchYear {
  branchId: number;
  /** Party members with something in the ledger that year. */
  members: number;
  dueFen: number;
  paidFen: number;
  /** Members all of whose months are confirmed paid (or exempt). */
  settled: number;
}

/** Aggregates per branch for `from`..`to`; only confirmed payments count as paid. */
export async function branchTotals(db: Db, branchIds: readonly number[], from: string, to: string): Promise<BranchYear[]> {
  if (branchIds.length === 0 || from > to) return [];
  const rows = await query<{ branch_id: number; members: number; due: number; paid: number; settled: number }>(
    db, sql`${ledgerCte(branchIds, from, to)}, per_member as (
        select member_id, branch_id, sum(amount_fen) as due,
          sum(case when paid then amount_fen else 0 end) as paid,
          bool_and(coalesce(paid, false) or amount_fen = 0) as settled
        from ledger group by member_id, branch_id
      )
      select branch_id, count(*)::int as members, sum(due)::float8 as due, sum(paid)::float8 as paid,
        (count(*) filter (where settled))::int as settled
      from per_member group by branch_id order by branch_id`);
  return rows.map((r) => ({
    branchId: Number(r.branch_id), members: Number(r.members), dueFen: Number(r.due), paidFen: Number(r.paid), settled: Number(r.settled),
  }));
}
