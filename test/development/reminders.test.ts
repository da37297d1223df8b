import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branches, developmentSteps, identities, members, outbox, tenants } from '../../db/schema/index.ts';
import { developmentReminders } from '../../cron/development-reminders.ts';
import { runJob } from '../../cron/runner.ts';
import type { JobDeps } from '../../cron/job.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { ask, memberNamed, seedSteps, upTo } from './helpers.ts';

let bot: TestBot;
let deps: JobDeps;
const ids: Record<string, number> = {};
let seen = new Set<string>();

/** Runs the job at 08:30 local on `day`; returns the reminders it queued, without the recipient suffix, per recipient. */
async function runOn(day: string, opts: { force?: boolean; time?: string } = {}) {
  const result = await runJob(developmentReminders, new Date(`${day}T${opts.time ?? '08:30:00'}+08:00`), deps, opts);
  const rows = await bot.handle.db.select({ key: outbox.dedupeKey }).from(outbox).where(like(outbox.dedupeKey, 'development:%'));
  const fresh = rows.map((r) => r.key).filter((k) => !seen.has(k)).sort();
  seen = new Set(rows.map((r) => r.key));
  const named = (k: string) => k.replace(/^development:(\d+):/, (_, id: string) => `${Object.keys(ids).find((n) => ids[n] === Number(id))}:`);
  return { result, fresh: fresh.map(named).sort() };
}

beforeAll(async () => {
  bot = await createTestBot({ now: '2026-01-31T10:00:00+08:00' });
  deps = { db: bot.handle.db, tz: 'Asia/Shanghai', log: bot.log, config: bot.runtime.config };
  await ask(bot, '管理员', '支部 新建 第一党支部');
  for (const line of ['张三 身份:正式党员 职务:书记', '李四 身份:正式党员 职务:组织委员', '赵六 身份:正式党员', '王五 身份:群众 出生日期:2000-05-01',
    '孙七 身份:发展对象', '钱八 身份:预备党员', '吴十 身份:入党积极分子']) await ask(bot, '管理员', `成员 添加 ${line} 支部:第一党支部`);
  for (const n of ['张三', '李四', '赵六']) await ask(bot, n, '我的信息');
  // 李四 records the application today; the others' histories are written directly.
  expect(await ask(bot, '李四', '发展 登记 王五 递交申请书')).toContain('①递交入党申请书　2026-01-31');
  await seedSteps(bot, '孙七', upTo(16, { 15: '2028-02-29', 16: '2028-03-05' }));
  await seedSteps(bot, '钱八', upTo(22));
  await seedSteps(bot, '吴十', upTo(3, { 1: '2027-10-01', 2: '2027-10-20', 3: '2028-02-29' }));
  for (const n of ['王五', '孙七', '钱八', '吴十']) ids[n] = (await memberNamed(bot, n)).id;
  await bot.drain();

  // Another organisation with its own 书记 and applicant: nothing may cross over.
  const [other] = await bot.handle.db.insert(tenants).values({ platform: 'console', externalKey: 'other-org', name: '另一单位' }).returning();
  const [branch] = await bot.handle.db.insert(branches).values({ tenantId: other!.id, name: '第一党支部' }).returning();
  const [sec] = await bot.handle.db.insert(members).values({ tenantId: other!.id, branchId: branch!.id, name: '外部书记', status: '正式党员', roles: ['书记'] }).returning();
  await bot.handle.db.insert(identities).values({ tenantId: other!.id, platform: 'console', userId: '外部书记', memberId: sec!.id });
  const [applicant] = await bot.handle.db.insert(members).values({ tenantId: other!.id, branchId: branch!.id, name: '外部申请人', status: '入党申请人' }).returning();
  ids['外部申请人'] = applicant!.id;
  await bot.handle.db.insert(developmentSteps).values({
    tenantId: other!.id, memberId: applicant!.id, step: 1, date: '2026-01-31', recordedByName: '测试', recordedAt: new Date(),
  });
});
afterAll(() => bot.close());

describe('development-reminders job', () => {
  it('talk within one month of the application: a warning 7 days before, overdue the day after, each exactly once', async () => {
    expect((await runOn('2026-02-20')).fresh).toEqual([]);
    const first = await runOn('2026-02-21');
    expect(first.fresh).toEqual([
      '外部申请人:talk:2026-02-28:soon:console:外部书记',
      '王五:talk:2026-02-28:soon:console:张三',
      '王五:talk:2026-02-28:soon:console:李四',
    ]);
    expect(first.result).toMatchObject({ status: 'ok', counts: { tenants: 2, people: 5, reminders: 2, sent: 3, unreachable: 0 } });
    bot.setNow('2026-02-21T08:31:00+08:00');
    const delivered = await bot.drain();
    expect(delivered.filter((d) => d.includes('王五'))).toEqual([
      '[user:张三] 【发展党员时间节点临近 · 王五】\n王五（入党申请人）\n入党申请书于2026-01-31递交，请于2026-02-28前派人谈话。\n'
        + '依据：《中国共产党发展党员工作细则》第七条\n［查看发展记录］发送：发展 王五',
      expect.stringMatching(/^\[user:李四\] 【发展党员时间节点临近 · 王五】/),
    ]);
    expect(delivered.filter((d) => d.startsWith('[user:外部书记]'))).toHaveLength(1);

    // Rerun the same day, twice at once on two "instances", then the next day: nothing more.
    const again = await Promise.all([runOn('2026-02-21', { force: true, time: '09:00:00' }), runOn('2026-02-21', { force: true, time: '09:00:01' })]);
    expect(again.flatMap((r) => r.fresh)).toEqual([]);
    expect((await runOn('2026-02-22')).fresh).toEqual([]);
    expect((await runOn('2026-02-28')).fresh).toEqual([]);
    expect((await runOn('2026-03-01')).fresh).toEqual([
      '外部申请人:talk:2026-02-28:overdue:console:外部书记',
      '王五:talk:2026-02-28:overdue:console:张三',
      '王五:talk:2026-02-28:overdue:console:李四',
    ]);
    bot.setNow('2026-03-02T10:00:00+08:00');
    await ask(bot, '李四', '发展 登记 王五 谈话 2026-03-02');
    expect((await runOn('2026-03-03')).fresh).toEqual([]);
  });

  it('预备期 ending: 30 days before (prepare the 转正 discussion), and overdue without a decision', async () => {
    expect((await runOn('2026-12-31')).fresh).toEqual([]);
    expect((await runOn('2027-01-01')).fresh).toEqual(['钱八:probation-ending:2027-01-31:console:张三', '钱八:probation-ending:2027-01-31:console:李四']);
    expect((await runOn('2027-01-31')).fresh).toEqual([]);
    expect((await runOn('2027-02-01')).fresh).toEqual(['钱八:probation-overdue:2027-01-31:console:张三', '钱八:probation-overdue:2027-01-31:console:李四']);
  });

  it('公示 of 5 working days (tenant setting), 上级党委 approval after 3 and 6 months from a leap-day 支部大会, the half-yearly review', async () => {
    // 吴十 became 积极分子 on Tuesday 2028-02-29: five working days end on Monday 2028-03-06.
    expect((await runOn('2028-03-07')).fresh.filter((k) => k.endsWith(':张三'))).toEqual(['吴十:public-notice:3:2028-03-06:console:张三']);
    expect((await runOn('2028-05-29')).fresh.filter((k) => k.startsWith('孙七'))).toEqual([]);
    expect((await runOn('2028-05-30')).fresh.filter((k) => k.endsWith(':张三'))).toEqual([
      '吴十:thought-report:2028-05-29:overdue:console:张三', '孙七:approval:3m:2028-05-29:console:张三',
    ]);
    expect((await runOn('2028-08-30')).fresh.filter((k) => k.endsWith(':张三'))).toEqual([
      '吴十:activist-review:2028-08-29:overdue:console:张三', '孙七:approval:6m:2028-08-29:console:张三',
    ]);
  });

  it('the day a 积极分子 becomes eligible as 发展对象, one year from a leap day', async () => {
    expect((await runOn('2029-02-27')).fresh.filter((k) => k.startsWith('吴十:candidate'))).toEqual([]);
    expect((await runOn('2029-02-28')).fresh.filter((k) => k.startsWith('吴十'))).toEqual([
      '吴十:candidate-eligible:2029-02-28:console:张三', '吴十:candidate-eligible:2029-02-28:console:李四',
    ]);
  });

  it('a local setting changes the dates: 公示 of 7 working days', async () => {
    await bot.handle.db.update(tenants).set({ settings: { development: { publicNoticeWorkingDays: 7 } } }).where(eq(tenants.externalKey, 'console'));
    const [person] = await bot.handle.db.insert(members).values({ tenantId: (await memberNamed(bot, '张三')).tenantId,
      branchId: (await memberNamed(bot, '张三')).branchId, name: '郑十一', status: '入党积极分子' }).returning();
    ids['郑十一'] = person!.id;
    await seedSteps(bot, '郑十一', { 1: '2029-01-02', 2: '2029-01-10', 3: '2029-03-01' });
    // From Thursday 2029-03-01, 7 working days end on Friday 03-09 (5 would have ended on Wednesday 03-07).
    expect((await runOn('2029-03-08')).fresh.filter((k) => k.startsWith('郑十一'))).toEqual([]);
    expect((await runOn('2029-03-10')).fresh.filter((k) => k.startsWith('郑十一') && k.endsWith(':张三')))
      .toEqual(['郑十一:public-notice:3:2029-03-09:console:张三']);
  });
});
