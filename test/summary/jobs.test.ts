import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, like, sql } from 'drizzle-orm';
import { monthlyScorecard } from '../../cron/monthly-scorecard.ts';
import type { JobDeps } from '../../cron/job.ts';
import { runJob } from '../../cron/runner.ts';
import { weeklySummary } from '../../cron/weekly-summary.ts';
import { chats, members, outbox, talks } from '../../db/schema/index.ts';
import { PARTY_STATUSES, isBranchRole, type MemberStatus } from '../../src/bot/roles.ts';
import { coverage as coverageRule } from '../../src/domain/talks.ts';
import { coverageByBranch, duesByBranch } from '../../src/summary/queries.ts';
import { ledgerCte } from '../../src/dues/ledger-sql.ts';
import { rowsOf } from '../../db/rows.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { PEOPLE_A, seedMonth, type Seeded } from './seed.ts';

const at = (s: string) => new Date(`${s}+08:00`);

const WEEK_48_A = `[群 一支部群] 【第一党支部 本周工作小结】
统计时段：11月20日（周五）至 11月27日（周五）

组织生活
本周召开 2 次：支部委员会会议（11月24日）、党课（11月25日）
已安排：第一党小组会（11月30日（周一）10:00）
待召开（12月31日前）：支部党员大会、组织生活会、民主评议党员

党费收缴
11月党费收缴 ██████░░░░ 63%
已交 5/8 人，另有 1 人待出纳确认

谈心谈话
本周谈话 2 次，未来一周已约 1 次
年度覆盖 ████░░░░░░ 38%（3/8 名党员）

需要办理
• 10月第一党小组会未召开（如已召开，请补登）
• 10月主题党日未召开（如已召开，请补登）
• 职工诉求 1 件已超过办理时限
• 发展党员工作 1 项已超过规定时限
• 上月党费尚有 1 人未交，由支部会计个别联系

以上为支部汇总数字，不含个人信息。`;

describe('weekly summary and monthly scorecard over a seeded month', () => {
  let bot: TestBot;
  let s: Seeded;
  let deps: JobDeps;
  const groupPosts = () => bot.outputs.filter((o) => o.startsWith('[群 '));
  const run = async (when: string) => {
    bot.setNow(at(when));
    const r = await runJob(weeklySummary, at(when), deps);
    await bot.drain();
    return r;
  };

  beforeAll(async () => {
    bot = await createTestBot({ now: '2026-11-27T17:00:00+08:00' });
    s = await seedMonth(bot.handle.db);
    deps = { db: bot.handle.db, tz: bot.runtime.config.timezone, log: bot.log, config: bot.runtime.config };
  });
  afterAll(() => bot.close());

  it('computes talk coverage in SQL exactly as the pure rule does', async () => {
    const db = bot.handle.db;
    const people = await db.select().from(members);
    const held = (await db.select().from(talks)).filter((t) => t.status === 'held')
      .map((t) => ({ participants: [t.hostId, t.guestId], heldAt: t.heldAt! }));
    for (const [branchId, year, cutoff] of [[s.a, 2026, '2026-12-01T00:00:00'], [s.a, 2026, '2026-11-01T00:00:00'], [s.b, 2026, '2026-12-01T00:00:00'], [s.a, 2025, '2026-01-01T00:00:00']] as const) {
      const mine = people.filter((m) => m.branchId === branchId)
        .map((m) => ({ id: m.id, status: m.status as MemberStatus, roles: m.roles.filter(isBranchRole) }));
      const missing = coverageRule(mine, held.filter((t) => t.heldAt < at(cutoff)), year, 'Asia/Shanghai');
      const party = mine.filter((m) => PARTY_STATUSES.includes(m.status)).length;
      const sql = await coverageByBranch(db, s.tenantId, [branchId], at(`${year}-01-01T00:00:00`), at(cutoff));
      expect(sql.get(branchId)).toEqual({ party, covered: party - missing.length });
    }
    expect((await coverageByBranch(db, s.tenantId, [s.a], at('2026-01-01T00:00:00'), at('2026-12-01T00:00:00'))).get(s.a))
      .toEqual({ party: 8, covered: 3 });
  });

  it('reads the dues ledger exactly as the dues module’s own set-based ledger does', async () => {
    const db = bot.handle.db;
    for (const [from, to] of [['2026-09', '2026-12'], ['2026-11', '2026-11'], ['2026-10', '2027-01']] as const) {
      const theirs = rowsOf<{ branch_id: number; month: string; amount_fen: number; paid: boolean | null; member_id: number }>(
        await db.execute(sql`${ledgerCte([s.a, s.b], from, to)} select branch_id, month, amount_fen, paid, member_id from ledger`));
      const expected = new Map<string, { due: number; paid: number; pending: number; dueFen: number; paidFen: number }>();
      for (const r of theirs) {
        const k = `${r.branch_id}:${r.month}`;
        const e = expected.get(k) ?? { due: 0, paid: 0, pending: 0, dueFen: 0, paidFen: 0 };
        const fen = Number(r.amount_fen);
        if (fen > 0) { e.due++; if (r.paid) e.paid++; if (r.paid === false) e.pending++; }
        e.dueFen += fen;
        if (r.paid) e.paidFen += fen;
        expected.set(k, e);
      }
      const mine = await duesByBranch(db, s.tenantId, [s.a, s.b], from, to);
      const got = new Map([...mine].flatMap(([branch, f]) => [...f.months].map(([m, v]) => [`${branch}:${m}`, v] as const)));
      expect(got).toEqual(expected);
      const owing = new Set(theirs.filter((r) => r.month < to && r.paid === null && Number(r.amount_fen) > 0).map((r) => r.member_id));
      expect(mine.get(s.a)?.overdueMembers ?? 0).toBe(owing.size);
    }
  });

  it('posts the busy branch’s week to its group at the configured moment, with the right figures', async () => {
    expect((await run('2026-11-27T16:45:00')).counts).toEqual({ tenants: 0, groups: 0, posted: 0, quiet: 0 });
    const r = await run('2026-11-27T17:00:00');
    expect(r.counts).toEqual({ tenants: 1, groups: 2, posted: 1, quiet: 1 });
    expect(groupPosts()).toEqual([WEEK_48_A]);
  });

  it('never shows a name, an amount or an anonymous handle in a group post', () => {
    const posts = groupPosts().join('\n');
    for (const name of [...PEOPLE_A, '陈书记', '林党员']) expect(posts).not.toContain(name);
    expect(posts).not.toMatch(/匿名|#7|元|\d+\.\d{2}/);
    expect(posts).not.toContain('食堂');
  });

  it('posts once per group and week, whatever reruns, late runs or instances', async () => {
    expect((await run('2026-11-27T17:15:00')).counts).toMatchObject({ tenants: 0, posted: 0 });
    // The same slot again without the runner's guard (a second instance that missed the claim): the dedupe key holds.
    expect(await weeklySummary.run(at('2026-11-27T17:00:00'), deps)).toMatchObject({ tenants: 1, posted: 0 });
    const [x, y] = await Promise.all([
      runJob(weeklySummary, at('2026-11-27T18:00:00'), deps, { force: true }),
      runJob(weeklySummary, at('2026-11-27T18:00:00'), deps, { force: true }),
    ]);
    expect([x.counts?.posted ?? 0, y.counts?.posted ?? 0]).toEqual([0, 0]);
    await bot.drain();
    const keys = await bot.handle.db.select({ key: outbox.dedupeKey }).from(outbox).where(like(outbox.dedupeKey, 'summary:%'));
    expect(keys.map((k) => k.key)).toEqual([`summary:${s.chatA}:2026-W48`]);
    expect(groupPosts()).toHaveLength(1);
  });

  it('makes good a missed moment within the grace period, and posts again the next week', async () => {
    // Nothing ran on 4 December until 19:30 (server down): the next run posts week 49.
    const r = await run('2026-12-04T19:30:00');
    expect(r.counts).toMatchObject({ tenants: 1, posted: 1 });
    const post = groupPosts().at(-1)!;
    expect(post).toContain('[群 一支部群] 【第一党支部 本周工作小结】\n统计时段：11月27日（周五）至 12月4日（周五）');
    expect(post).toContain('本周没有登记召开的会议\n待召开（12月31日前）：支部党员大会、支部委员会会议、第一党小组会、主题党日、组织生活会、民主评议党员');
    expect(post).toContain('本周谈话 0 次，未来一周已约 1 次');
    expect(post).toContain('12月党费收缴 ░░░░░░░░░░ 0%\n已交 0/8 人');
    expect(post).toContain('• 11月第一党小组会未召开（如已召开，请补登）');
    expect(post).toContain('• 上月党费尚有 2 人未交');
    expect((await run('2026-12-05T02:00:00')).counts).toMatchObject({ tenants: 0 });
    expect(groupPosts()).toHaveLength(2);
  });

  it('skips a group whose summary is switched off', async () => {
    const db = bot.handle.db;
    await db.update(chats).set({ summaryEnabled: false }).where(eq(chats.chatId, '一支部群'));
    expect((await run('2026-12-11T17:00:00')).counts).toEqual({ tenants: 1, groups: 1, posted: 0, quiet: 1 });
    await db.update(chats).set({ summaryEnabled: true }).where(eq(chats.chatId, '一支部群'));
  });

  it('sends November’s scorecard to each 书记 and all branches side by side to the admins, once', async () => {
    bot.setNow(at('2026-12-01T09:00:00'));
    const r = await runJob(monthlyScorecard, at('2026-12-01T09:00:00'), deps);
    expect(r.counts).toEqual({ tenants: 1, branches: 2, messages: 3 });
    await bot.drain();
    const to = (who: string) => bot.outputs.filter((o) => o.startsWith(`[发给 ${who}]`));
    expect(to('张书记')).toEqual([`[发给 张书记] 【第一党支部 2026年11月工作简报】
各项为本支部汇总，与10月对照。

组织生活（本月到期的会议）　███████░░░ 67%
已开 2/3 次（67%）；10月 1/3 次（33%）
未召开：第一党小组会

党费收缴　██████░░░░ 63%
已交 5/8 人（63%）；10月 7/8 人（88%）
金额：已交 250.00 元，应交 400.00 元
另有 1 人已登记、待出纳确认

谈心谈话（年度覆盖）　████░░░░░░ 38%
至11月底 3/8 人（38%）；至10月底 2/8 人（25%）

职工诉求
本月：收到 2 件，办结 1 件，按时办结率 100%
10月：无

简报只统计支部整体情况，不对个人排名。`]);
    expect(to('陈书记')).toHaveLength(1);
    expect(to('陈书记')[0]).toContain('已开 1/1 次（100%）；10月 1/1 次（100%）');
    expect(to('管理员')).toEqual([`[发给 管理员] 【2026年11月各支部工作简报】
本地控制台共 2 个支部，合计：组织生活 3/4 次（75%）；党费 5/8 人（63%）；谈话覆盖 3/10 人（30%）
按支部设立顺序排列，不作排名；括号内为上月。

第一党支部：组织生活 2/3 67%（上月 33%）｜党费 63%（上月 88%）｜谈话覆盖 38%（上月 25%）｜诉求 收2 结1
第二党支部：组织生活 1/1 100%（上月 100%）｜党费 —（上月 —）｜谈话覆盖 0%（上月 0%）`]);
    const again = await runJob(monthlyScorecard, at('2026-12-01T09:05:00'), deps, { force: true });
    expect(again.counts?.messages).toBe(0);
    const keys = await bot.handle.db.select({ key: outbox.dedupeKey }).from(outbox).where(like(outbox.dedupeKey, 'scorecard:%'));
    expect(keys.map((k) => k.key).sort()).toEqual([
      'scorecard:console:console:张书记:2026-11', 'scorecard:console:console:管理员:2026-11', 'scorecard:console:console:陈书记:2026-11',
    ]);
  });
});
