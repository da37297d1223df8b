import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { branches, duesPaidMonths, duesPayments } from '../../db/schema/index.ts';
import { duesReminders } from '../../cron/dues-reminders.ts';
import { runJob } from '../../cron/runner.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { jobDeps, seedBranch, setProfile } from './fixtures.ts';

/** The escalation ladder over a simulated year, with the clock injected. */
describe('dues-reminders job', () => {
  let bot: TestBot;
  let first: Awaited<ReturnType<typeof seedBranch>>;
  let second: Awaited<ReturnType<typeof seedBranch>>;

  beforeAll(async () => {
    bot = await createTestBot({ now: '2026-01-01T08:00:00+08:00' });
    const db = bot.handle.db;
    first = await seedBranch(db, '第一党支部', [
      { name: '张书记', roles: ['书记'] }, { name: '钱会计', roles: ['会计'] }, { name: '孙出纳', roles: ['出纳'] },
      { name: '李四' }, { name: '王五' }, { name: '陈免', probationarySince: null },
    ]);
    second = await seedBranch(db, '第二党支部', [{ name: '周书记', roles: ['书记'] }, { name: '吴六' }], first.tenantId);
    await db.update(branches).set({ settings: { duesCollectionDay: 10 } }).where(eq(branches.id, second.branchId));
    for (const name of ['李四', '王五']) await setProfile(db, first.tenantId, first.ids[name]!, '2026-01', { category: '在职', baseFen: 650_000 });
    await setProfile(db, first.tenantId, first.ids['陈免']!, '2026-01', { category: '核定', fixedFen: 0 });
    await setProfile(db, first.tenantId, second.ids['吴六']!, '2026-01', { category: '学生' });
    // 王五 pays January to June ahead through the 会计 and the 出纳.
    bot.setNow('2026-01-02T10:00:00+08:00');
    expect(await bot.say('钱会计', '党费 登记 王五 2026-01至2026-06 585')).toContain('已登记');
    expect(await bot.say('孙出纳', '党费 确认 1')).toContain('已确认收款');
  });
  afterAll(() => bot.close());

  async function runAt(iso: string): Promise<string[]> {
    bot.outputs.length = 0;
    bot.setNow(iso);
    const r = await runJob(duesReminders, new Date(iso), jobDeps(bot), { force: true });
    expect(r.status).toBe('ok');
    await bot.drain();
    return [...bot.outputs];
  }

  const to = (out: string[], who: string) => out.filter((o) => o.startsWith(`[发给 ${who}]`));

  it('reminds on the collection day only, once per member per month, and climbs the ladder', async () => {
    const seen: Record<string, { li: number; wang: number; secretary: string[] }> = {};
    for (let m = 1; m <= 8; m++) {
      const mm = String(m).padStart(2, '0');
      expect(await runAt(`2026-${mm}-04T09:00:00+08:00`)).toEqual([]);
      const out = await runAt(`2026-${mm}-05T09:00:00+08:00`);
      expect(await runAt(`2026-${mm}-05T15:00:00+08:00`)).toEqual([]); // a second run the same day sends nothing
      expect(out.some((o) => o.includes('陈免'))).toBe(false); // 免交 owes nothing
      expect(out.some((o) => o.includes('吴六'))).toBe(false); // another branch, another day
      seen[mm] = { li: to(out, '李四').length, wang: to(out, '王五').length, secretary: to(out, '张书记') };
      if (m === 1) expect(to(out, '李四')[0]).toContain('李四同志，您好！今天是支部党费收缴日，请交纳本月党费 97.50 元');
      if (m === 3) expect(to(out, '李四')[0]).toContain('请交纳3 个月的党费：2026年1月至3月，共 292.50 元');
      if (m === 4) {
        expect(seen[mm]!.secretary).toHaveLength(1);
        expect(seen[mm]!.secretary[0]).toContain('建议谈心谈话：李四');
        expect(seen[mm]!.secretary[0]).toContain('李四已连续 3 个月未交纳党费（2026年1月至3月）');
        expect(seen[mm]!.secretary[0]).toContain('［预约谈话］发送：谈话 预约 李四');
        expect(seen[mm]!.secretary[0]).not.toContain('97.50');
      }
      if (m === 6) {
        expect(to(out, '李四')[0]).toContain('连续六个月不交纳党费的，按自行脱党处理（党章第九条、党费规定第十三条）');
        expect(seen[mm]!.secretary[0]).toContain('党费逾期预警：李四');
        expect(seen[mm]!.secretary[0]).toContain('已同时告知本人');
      }
      if (m === 7) {
        expect(seen[mm]!.secretary[0]).toContain('提请支部党员大会：李四');
        expect(seen[mm]!.secretary[0]).toContain('由支部党员大会决定除名，并报上级党组织批准');
        expect(to(out, '王五')[0]).toContain('请交纳本月党费 97.50 元');
      }
    }
    expect(Object.values(seen).map((s) => s.li)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Object.values(seen).map((s) => s.wang)).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
    expect(Object.values(seen).map((s) => s.secretary.length)).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
    expect(seen['05']!.secretary[0]).toContain('建议谈心谈话：李四');
    expect(seen['08']!.secretary[0]).toContain('提请支部党员大会：李四');
  });

  it('uses the branch’s own collection day and counts a payment awaiting the 出纳 as not owed', async () => {
    const out = await runAt('2026-08-10T09:00:00+08:00');
    expect(to(out, '吴六')[0]).toContain('请交纳8 个月的党费：2026年1月至8月，共 1.60 元');
    expect(to(out, '李四')).toEqual([]);

    await bot.handle.db.delete(duesPaidMonths);
    await bot.handle.db.delete(duesPayments);
    bot.setNow('2026-09-01T10:00:00+08:00');
    expect(await bot.say('钱会计', '党费 登记 李四 2026-03至2026-08 585')).toContain('已登记');
    const sept = await runAt('2026-09-05T09:00:00+08:00');
    expect(to(sept, '李四')[0]).toContain('2026年9月');
    expect(to(sept, '李四')[0]).toContain('其中超过6个月的月份，请与支部书记联系补交事宜');
    expect(to(sept, '张书记').filter((o) => o.includes('李四'))).toEqual([]);
  });
});
