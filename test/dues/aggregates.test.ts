import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duesAnnualReport } from '../../cron/dues-annual-report.ts';
import { runJob } from '../../cron/runner.ts';
import { like } from 'drizzle-orm';
import { duesPaidMonths, duesPayments, outbox } from '../../db/schema/index.ts';
import { loadLedgers, owedEntries } from '../../src/dues/ledger.ts';
import { unpaidMembers } from '../../src/dues/ledger-sql.ts';
import { enqueueMany, type OutboxItem } from '../../src/notify/outbox.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { bindGroup, jobDeps, seedBranch, setProfile } from './fixtures.ts';

describe('set-based ledger and the January report', () => {
  let bot: TestBot;
  let big: Awaited<ReturnType<typeof seedBranch>>;
  let small: Awaited<ReturnType<typeof seedBranch>>;

  async function pay(tenantId: number, branchId: number, memberId: number, recordedBy: number, months: string[], amount: number, confirmed: boolean) {
    const db = bot.handle.db;
    const [p] = await db.insert(duesPayments).values({
      tenantId, branchId, memberId, months, amountFen: amount * months.length, dueFen: amount * months.length,
      recordedBy, recordedAt: new Date('2026-06-01T00:00:00Z'), status: confirmed ? 'confirmed' : 'recorded',
    }).returning();
    await db.insert(duesPaidMonths).values(months.map((month) => ({ tenantId, memberId, month, paymentId: p!.id, dueFen: amount, confirmed })));
  }

  beforeAll(async () => {
    bot = await createTestBot({ now: '2027-01-10T10:00:00+08:00' });
    const db = bot.handle.db;
    big = await seedBranch(db, '第一党支部', [
      { name: '甲', roles: ['会计'] }, { name: '乙', probationarySince: '2026-04-20' }, { name: '丙' }, { name: '丁', probationarySince: null },
    ]);
    small = await seedBranch(db, '第二党支部', [{ name: '戊', roles: ['会计'] }, { name: '己' }], big.tenantId);
    const t = big.tenantId;
    const { ids } = big;
    await setProfile(db, t, ids['甲']!, '2025-06', { category: '在职', baseFen: 300_000 }); // 15.00
    await setProfile(db, t, ids['甲']!, '2026-07', { category: '在职', baseFen: 650_000 }); // 97.50 from July
    await setProfile(db, t, ids['乙']!, '2026-01', { category: '离退休', baseFen: 500_001 }); // 50.00, ledger opens April
    await setProfile(db, t, ids['丙']!, '2026-01', { category: '核定', fixedFen: 0 });
    await setProfile(db, t, ids['丙']!, '2026-10', { category: '学生' });
    await setProfile(db, t, ids['丁']!, '2026-11', { category: '农民', fixedFen: 100 }); // opens with its first standard
    await pay(t, big.branchId, ids['甲']!, ids['乙']!, ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'], 1_500, true);
    await pay(t, big.branchId, ids['甲']!, ids['乙']!, ['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12'], 9_750, true);
    await pay(t, big.branchId, ids['乙']!, ids['甲']!, ['2026-04', '2026-05'], 5_000, true);
    await pay(t, big.branchId, ids['乙']!, ids['甲']!, ['2026-06'], 5_000, false);
    await pay(t, big.branchId, ids['丙']!, ids['甲']!, ['2026-10', '2026-11', '2026-12'], 20, true);
    for (const name of ['戊', '己']) await setProfile(db, t, small.ids[name]!, '2026-01', { category: '学生' });
    await pay(t, small.branchId, small.ids['己']!, small.ids['戊']!, ['2026-01'], 20, true);
    await bindGroup(db, t, big.branchId, '一支部群');
    await bindGroup(db, t, small.branchId, '二支部群');
  });
  afterAll(() => bot.close());

  it('finds the same unpaid months in SQL as the pure rules do, member by member', async () => {
    const db = bot.handle.db;
    for (const [from, to] of [['2026-01', '2026-12'], ['2025-01', '2027-01'], ['2026-06', '2026-06']] as const) {
      const sqlRows = await unpaidMembers(db, [big.branchId, small.branchId], from, to);
      const fromSql = Object.fromEntries(sqlRows.map((r) => [r.memberId, r.months.map((m, i) => `${m}:${r.amounts[i]}`)]));
      const ledgers = [
        ...await loadLedgers(db, { tenantId: big.tenantId, branchId: big.branchId }, { from, until: to }),
        ...await loadLedgers(db, { tenantId: big.tenantId, branchId: small.branchId }, { from, until: to }),
      ];
      const fromJs = Object.fromEntries(ledgers.map((l): [number, string[]] => [l.member.id, owedEntries(l, to).map((e) => `${e.month}:${e.amountFen}`)])
        .filter(([, v]) => v.length > 0));
      expect(fromSql).toEqual(fromJs);
    }
    const year = await unpaidMembers(db, [big.branchId], '2026-01', '2026-12');
    expect(year.map((r) => [r.name, r.months.join(','), r.amounts.join(',')])).toEqual([
      ['乙', '2026-07,2026-08,2026-09,2026-10,2026-11,2026-12', '5000,5000,5000,5000,5000,5000'],
      ['丁', '2026-11,2026-12', '100,100'],
    ]);
  });

  it('posts last year’s totals to each branch group in January, with no name or individual amount', async () => {
    const r = await runJob(duesAnnualReport, bot.now(), jobDeps(bot));
    expect(r.counts).toEqual({ branches: 2, posts: 2 });
    await bot.drain();
    const one = bot.outputs.filter((o) => o.startsWith('[群 一支部群]')).join('\n');
    const two = bot.outputs.filter((o) => o.startsWith('[群 二支部群]')).join('\n');
    // 甲 90 + 585, 乙 9 × 50, 丙 3 × 0.20, 丁 2 × 1: due 1127.60; paid 675 + 100 + 0.60 = 775.60.
    expect(one).toContain('第一党支部2026年党费收缴情况');
    expect(one).toContain('本支部 4 名党员应交党费 1127.60 元，已交 775.60 元，收缴率 68.8%；全年足额交纳 2 人');
    expect(one).toContain('尚有 2 人未交清，支部会计将个别联系（名单不在群内公布）');
    expect(two).toContain('本支部 2 名党员中 0 人全年足额交纳党费。本支部人数较少，为保护个人信息，不在群内公布金额');
    for (const name of ['甲', '乙', '丙', '丁', '戊', '己']) expect(`${one}\n${two}`).not.toContain(`${name}`);
    for (const amount of ['97.50', '50.00', '15.00', '2.40', '4.80']) expect(`${one}\n${two}`).not.toContain(amount);
    expect(bot.outputs.every((o) => !o.startsWith('[发给'))).toBe(true);

    const again = await runJob(duesAnnualReport, new Date(bot.now().getTime() + 60_000), jobDeps(bot), { force: true });
    expect(again.counts).toEqual({ branches: 2, posts: 0 });
  });

  it('enqueues in batches, counts only new rows, and holds reminders during quiet hours', async () => {
    const items: OutboxItem[] = Array.from({ length: 12 }, (_, i) => ({
      tenantId: big.tenantId, recipient: { platform: 'console', kind: 'user', id: `批量${i}`, tenantKey: 'console' },
      reply: { kind: 'text', text: `第${i}条` }, dedupeKey: `dues-test:${i}`,
    }));
    const night = new Date('2027-01-10T23:30:00+08:00');
    const opts = { now: night, tz: 'Asia/Shanghai', chunkSize: 5, concurrency: 2 };
    expect(await enqueueMany(bot.handle.db, items, opts)).toBe(12);
    expect(await enqueueMany(bot.handle.db, [...items, { ...items[0]!, dedupeKey: 'dues-test:new' }], opts)).toBe(1);
    const rows = await bot.handle.db.select().from(outbox).where(like(outbox.dedupeKey, 'dues-test:%'));
    expect(rows).toHaveLength(13);
    expect(new Set(rows.map((r) => r.notBefore.toISOString()))).toEqual(new Set(['2027-01-11T00:00:00.000Z']));
  });
});
