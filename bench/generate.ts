/**
 * Synthetic organisations for the benchmarks: tenants, branches, 党小组, members with roles, Feishu
 * identities, a group chat per branch, dues standards and 12 months of confirmed payments
 * (2025-12 … 2026-11), and a year of 三会一课 records. Everything is built server-side with
 * `INSERT … SELECT generate_series` (faster than any client-side batching, the same on Postgres and
 * PGlite) and is deterministic: the same sizes give the same rows.
 *
 * Ledger shape (by member id mod 20): 2 prepaid through 2026-12, 14 owe only 2026-11, and one each owe
 * 2, 3, 5 and 7 months, so the dues sweep meets every escalation level. One member in 20 had a
 * raise from 2026-07. Monthly meetings are held through November; December's are still open, as are
 * this year's 组织生活会 and 民主评议党员, so the deadline sweep on 2026-12-25 has work in every branch.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rowsOf } from '../db/rows.ts';

export interface Sizes {
  tenants: number;
  branches: number;
  members: number;
  groupsPerBranch: number;
}

/** The month the dues ledger ends in; the dues sweep runs on its collection day. */
export const LEDGER_END = '2026-11';
export const TENANT_PREFIX = 'bench_tenant_';
export const tenantKey = (n: number) => `${TENANT_PREFIX}${n}`;
export const openIdOf = (memberId: number) => `ou_bench${String(memberId).padStart(10, '0')}`;
export const chatIdOf = (branchId: number) => `oc_bench${String(branchId).padStart(8, '0')}`;

export interface Generated {
  sizes: Sizes;
  rows: Record<string, number>;
  ms: number;
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志飞鹏辉宇浩然晨阳';
/** `(array[…])[1 + (i % length)]`: one character of `s` for the number `i`. */
const pick = (s: string, i: SQL) => {
  const list = Array.from(s);
  return sql`(${sql.raw(`array[${list.map((c) => `'${c}'`).join(',')}]`)})[1 + (${i}) % ${sql.raw(String(list.length))}]`;
};

/** Builds the data set in an empty, migrated database; returns row counts per table. */
export async function generate(db: Db, sizes: Sizes): Promise<Generated> {
  const started = performance.now();
  const perTenant = Math.max(1, Math.round(sizes.branches / sizes.tenants));
  const perBranch = Math.max(6, Math.round(sizes.members / sizes.branches));
  const groups = sizes.groupsPerBranch;
  const run = (q: SQL) => db.execute(q);

  await run(sql`insert into tenants (platform, external_key, name)
    select 'feishu', ${TENANT_PREFIX} || t, '基准测试单位' || t from generate_series(1, ${sizes.tenants}::int) t`);
  await run(sql`insert into branches (tenant_id, name, parent_org, term_start, term_end)
    select tn.id, '第' || b || '党支部', '机关党委', date '2024-06-01', date '2027-05-31'
    from tenants tn cross join generate_series(1, ${perTenant}::int) b order by tn.id, b`);
  await run(sql`insert into party_groups (tenant_id, branch_id, name)
    select b.tenant_id, b.id, '第' || g || '党小组' from branches b cross join generate_series(1, ${groups}::int) g order by b.id, g`);

  // j = 0..3 are the 书记, 组织委员, 会计 and 出纳; one in 25 is 预备党员, one in 50 入党积极分子.
  await run(sql`insert into members (tenant_id, branch_id, party_group_id, name, employee_no, status, status_since,
      probationary_since, full_since, roles)
    select b.tenant_id, b.id, pg.id,
      ${pick(SURNAMES, sql`b.id * ${perBranch}::int + j`)} || ${pick(GIVEN, sql`(b.id * ${perBranch}::int + j) / 7`)},
      'E' || lpad((b.id * ${perBranch}::int + j)::text, 9, '0'),
      case when j % 25 = 24 then '预备党员' when j % 50 = 23 then '入党积极分子' else '正式党员' end,
      case when j % 25 = 24 then date '2026-03-16' when j % 50 = 23 then date '2025-09-01' else date '2015-07-01' end,
      case when j % 25 = 24 then date '2026-03-16' when j % 50 = 23 then null else date '2014-07-01' end,
      case when j % 25 = 24 or j % 50 = 23 then null else date '2015-07-01' end,
      case j when 0 then '{书记}'::text[] when 1 then '{组织委员}'::text[] when 2 then '{会计}'::text[]
        when 3 then '{出纳}'::text[] when 4 then '{宣传委员}'::text[] else '{}'::text[] end
    from branches b cross join generate_series(0, ${perBranch - 1}::int) j
    join party_groups pg on pg.branch_id = b.id and pg.name = '第' || (j % ${groups}::int + 1) || '党小组'
    order by b.id, j`);
  await run(sql`insert into identities (tenant_id, platform, user_id, union_id, member_id)
    select tenant_id, 'feishu', 'ou_bench' || lpad(id::text, 10, '0'), 'on_bench' || lpad(id::text, 10, '0'), id
    from members order by id`);
  await run(sql`insert into chats (tenant_id, platform, chat_id, branch_id, title)
    select tenant_id, 'feishu', 'oc_bench' || lpad(id::text, 8, '0'), id, name || '工作群' from branches order by id`);

  await generateDues(db);
  await generateMeetings(db, groups);
  await run(sql`analyze`);

  const rows: Record<string, number> = {};
  for (const t of ['tenants', 'branches', 'members', 'identities', 'dues_payments', 'dues_paid_months', 'meetings']) {
    const [r] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${sql.identifier(t)}`));
    rows[t] = Number(r?.n ?? 0);
  }
  return { sizes, rows, ms: performance.now() - started };
}

/** Monthly dues in fen of a member for a ledger month; the profiles below say the same. */
const monthlyFen = (memberId: SQL, month: SQL) =>
  sql`(200 + (${memberId} * 37 % 48) * 100 + case when ${memberId} % 20 = 7 and ${month} >= '2026-07' then 500 else 0 end)`;

async function generateDues(db: Db): Promise<void> {
  const party = sql`status in ('正式党员', '预备党员')`;
  await db.execute(sql`insert into dues_profiles (tenant_id, member_id, category, base_fen, amount_fen, effective_month, note, set_by)
    select tenant_id, id, '在职', ${monthlyFen(sql`id`, sql`'2025-01'`)} * 100, ${monthlyFen(sql`id`, sql`'2025-01'`)},
      '2025-01', '年初核定', 'bench'
    from members where ${party} order by id`);
  await db.execute(sql`insert into dues_profiles (tenant_id, member_id, category, base_fen, amount_fen, effective_month, note, set_by)
    select tenant_id, id, '在职', ${monthlyFen(sql`id`, sql`'2026-07'`)} * 100, ${monthlyFen(sql`id`, sql`'2026-07'`)},
      '2026-07', '工资调整', 'bench'
    from members where ${party} and id % 20 = 7 order by id`);

  // Month index 0 = 2025-12 … 11 = 2026-11, 12 = 2026-12. Two payments a member: up to May, and from June.
  await db.execute(sql`with plan as (
      select m.id, m.tenant_id, m.branch_id,
        case when m.status = '预备党员' then 3 else 0 end as first_idx,
        case m.id % 20 when 0 then 12 when 1 then 12 when 16 then 9 when 17 then 8 when 18 then 6 when 19 then 4 else 10 end as paid_to
      from members m where m.status in ('正式党员', '预备党员')
    ), pay as (
      select p.*, h.lo, h.hi from plan p
      cross join lateral (values (p.first_idx, least(p.paid_to, 5)), (greatest(p.first_idx, 6), p.paid_to)) h(lo, hi)
      where h.hi >= h.lo
    ), priced as (
      select pay.*,
        array(select to_char(date '2025-12-01' + make_interval(months => i), 'YYYY-MM') from generate_series(pay.lo, pay.hi) i) as months,
        (select sum(${monthlyFen(sql`pay.id`, sql`to_char(date '2025-12-01' + make_interval(months => i), 'YYYY-MM')`)})
          from generate_series(pay.lo, pay.hi) i)::int as fen,
        (date '2025-12-10' + make_interval(months => pay.hi))::timestamp at time zone 'Asia/Shanghai' as at
      from pay
    )
    insert into dues_payments (tenant_id, branch_id, member_id, months, amount_fen, due_fen, status,
      recorded_by, recorded_at, confirmed_by, confirmed_at)
    select pr.tenant_id, pr.branch_id, pr.id, pr.months, pr.fen, pr.fen, 'confirmed',
      acc.id, pr.at, cas.id, pr.at + interval '1 day'
    from priced pr
    join members acc on acc.branch_id = pr.branch_id and acc.roles @> '{会计}'
    join members cas on cas.branch_id = pr.branch_id and cas.roles @> '{出纳}'
    order by pr.id, pr.lo`);
  await db.execute(sql`insert into dues_paid_months (tenant_id, member_id, month, payment_id, due_fen, confirmed)
    select p.tenant_id, p.member_id, m.month, p.id, ${monthlyFen(sql`p.member_id`, sql`m.month`)}, true
    from dues_payments p cross join unnest(p.months) as m(month) order by p.id, m.month`);
}

async function generateMeetings(db: Db, groups: number): Promise<void> {
  // (kind, day of month, month indexes held; 0 = 2025-12). One branch in ten skipped its October 支部委员会.
  const plan = sql`(values
      ('支部委员会', 10, array[0,1,2,3,4,5,6,7,8,9,10,11]),
      ('主题党日', 15, array[0,1,2,3,4,5,6,7,8,9,10,11]),
      ('支部党员大会', 25, array[1,4,7,10]),
      ('党课', 18, array[2,5,8,11]),
      ('组织生活会', 20, array[0]),
      ('民主评议党员', 22, array[0])) as k(kind, day, months)`;
  const heldAt = (day: SQL) =>
    sql`(date '2025-12-01' + make_interval(months => i, days => ${day} - 1) + time '14:30')::timestamp at time zone 'Asia/Shanghai'`;
  await db.execute(sql`insert into meetings (tenant_id, branch_id, kind, status, held_at, place, topic, host_name, created_at, updated_at)
    select b.tenant_id, b.id, k.kind, 'held', ${heldAt(sql`k.day`)}, '党员活动室', '学习贯彻党的二十届四中全会精神', '书记',
      ${heldAt(sql`k.day`)}, ${heldAt(sql`k.day`)}
    from branches b cross join ${plan} cross join unnest(k.months) as i
    where not (k.kind = '支部委员会' and i = 10 and b.id % 10 = 0)
    order by b.id, i`);
  if (groups > 0) {
    await db.execute(sql`insert into meetings (tenant_id, branch_id, party_group_id, kind, status, held_at, place, topic, created_at, updated_at)
      select g.tenant_id, g.branch_id, g.id, '党小组会', 'held', ${heldAt(sql`20`)}, '会议室', '学习党章党规',
        ${heldAt(sql`20`)}, ${heldAt(sql`20`)}
      from party_groups g cross join generate_series(0, 11) i order by g.id, i`);
  }
}
