import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branches } from '../../db/schema/index.ts';
import { meetingDeadlines } from '../../cron/meeting-deadlines.ts';
import { meetingTerm } from '../../cron/meeting-term.ts';
import type { Job } from '../../cron/job.ts';
import { runJob } from '../../cron/runner.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { at, jobDeps, seed, sentTo, type Seeded } from './seed.ts';

describe('meeting deadline and 换届 reminders', () => {
  let bot: TestBot;
  let s: Seeded;
  const run = async (job: Job, when: string, force = false) => {
    bot.setNow(at(when));
    const r = await runJob(job, at(when), jobDeps(bot), { force });
    await bot.drain();
    return r.counts;
  };
  beforeAll(async () => {
    bot = await createTestBot({ now: '2026-12-06T10:00:00+08:00' });
    s = await seed(bot, {
      第一党支部: [{ name: '张三', roles: ['书记'] }, { name: '王五', roles: ['组织委员'] }, { name: '李四' }],
      第二党支部: [{ name: '周书记', roles: ['书记'] }],
    });
    await bot.handle.db.update(branches).set({ termEnd: '2027-06-30' }).where(eq(branches.id, s.branchIds.第二党支部!));
    await bot.say('张三', '会议 登记 主题党日 2026-12-05 09:00');
    await bot.say('张三', '会议 登记 党员大会 2026-10-15 14:00');
  });
  afterAll(() => bot.close());

  it('tells the 书记 and 组织委员 7 and 2 days before the period ends what is not yet held, once each', async () => {
    const mark = bot.outputs.length;
    // Branch one: 党课, 组织生活会, 民主评议党员; branch two (nothing held): those and 支部党员大会, 主题党日.
    expect(await run(meetingDeadlines, '2026-12-25T09:00')).toEqual({ branches: 2, reminders: 8, messages: 3, unreachable: 0 });
    const card = sentTo(bot, '张三', mark).join('\n');
    expect(card).toContain('【组织生活提醒 · 第一党支部】');
    expect(card).toContain('• 党课（2026年第四季度）：尚未登记，本期还剩 7 天（至 12月31日）。');
    expect(card).toContain('• 组织生活会（2026年度）：尚未登记，本期还剩 7 天（至 12月31日）。');
    expect(card).toContain('• 民主评议党员（2026年度）');
    expect(card).not.toContain('主题党日');
    expect(card).not.toContain('支部党员大会');
    expect(sentTo(bot, '王五', mark).join('\n')).toContain('【组织生活提醒 · 第一党支部】');
    expect(sentTo(bot, '李四', mark)).toEqual([]);
    expect(sentTo(bot, '周书记', mark).join('\n')).toContain('• 主题党日（2026年12月）：尚未登记，本期还剩 7 天');
    expect(await run(meetingDeadlines, '2026-12-25T10:00', true)).toMatchObject({ messages: 0 });
    expect(await run(meetingDeadlines, '2026-12-26T09:00')).toMatchObject({ reminders: 0 });
    expect(await run(meetingDeadlines, '2026-12-30T09:00')).toMatchObject({ branches: 2, messages: 3 });
    expect(bot.outputs.at(-1)).toContain('本期还剩 2 天（至 12月31日）');
  });

  it('tells them on the first day of the next period what was missed, once', async () => {
    const mark = bot.outputs.length;
    expect(await run(meetingDeadlines, '2027-01-01T09:00')).toEqual({ branches: 2, reminders: 8, messages: 3, unreachable: 0 });
    const card = sentTo(bot, '张三', mark).join('\n');
    expect(card).toContain('• 党课（2026年第四季度）：没有召开记录，已逾期。如已召开，请补登。');
    expect(card).toContain('［查看台账］发送：会议 台账 2026');
    expect(await run(meetingDeadlines, '2027-01-01T12:00', true)).toMatchObject({ messages: 0 });
  });

  it('follows the tenant setting for how many days ahead', async () => {
    expect(await bot.say('李四', '会议 频次 提醒:3')).toContain('仅书记、副书记、组织委员、宣传委员、纪检委员可用');
    expect(await bot.say('张三', '会议 频次 提醒:3')).toContain('只有管理员可以修改');
    expect(await bot.say('管理员', '会议 频次 提醒:3,100')).toContain('会议提醒提前天数：应为1至5个1至90之间的整数');
    expect(await bot.say('管理员', '会议 频次 提醒:3')).toContain('到期提醒：期末前 3 天');
    expect(await run(meetingDeadlines, '2027-01-25T09:00')).toMatchObject({ reminders: 0 });
    const mark = bot.outputs.length;
    expect(await run(meetingDeadlines, '2027-01-29T09:00')).toMatchObject({ branches: 2, reminders: 2, messages: 3 });
    expect(sentTo(bot, '张三', mark).join('\n')).toContain('• 主题党日（2027年1月）：尚未登记，本期还剩 3 天（至 1月31日）。');
  });

  it('reminds of 换届 six months and one month before the term ends, once each', async () => {
    expect(await run(meetingTerm, '2026-12-29T09:05')).toEqual({ reminders: 0, messages: 0 });
    const mark = bot.outputs.length;
    expect(await run(meetingTerm, '2026-12-30T09:05')).toEqual({ reminders: 1, messages: 1 });
    const card = sentTo(bot, '周书记', mark).join('\n');
    expect(card).toContain('【换届提醒 · 第二党支部】');
    expect(card).toContain('本支部本届任期将于 2027-06-30 届满，还有约6个月');
    expect(await run(meetingTerm, '2026-12-30T10:00', true)).toEqual({ reminders: 1, messages: 0 });
    expect(await run(meetingTerm, '2027-05-30T09:05')).toEqual({ reminders: 1, messages: 1 });
    expect(bot.outputs.at(-1)).toContain('还有1个月。请及时召开支委会研究换届工作');
  });
});
