import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { talkReminders } from '../../cron/talk-reminders.ts';
import { runJob } from '../../cron/runner.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { jobDeps, lastTalkId, seed } from './seed.ts';

const at = (s: string) => new Date(`${s}+08:00`);

describe('talk reminders: one day and one hour before, exactly once', () => {
  let bot: TestBot;
  const count = (name: string, title: string) =>
    bot.outputs.filter((o) => o.startsWith(`[发给 ${name}] 【${title}】`)).length;
  const run = async (when: string, force = false) => {
    bot.setNow(at(when));
    await runJob(talkReminders, at(when), jobDeps(bot), { force });
    await bot.drain();
  };

  beforeAll(async () => {
    bot = await createTestBot({ now: at('2026-12-02T10:00') });
    await seed(bot, { 第一党支部: [{ name: '张书记', roles: ['书记'] }, { name: '王五' }, { name: '赵六' }] });
  });
  afterAll(() => bot.close());

  it('sends each reminder once to both people, however often the job runs', async () => {
    await bot.say('张书记', '谈话 预约 王五 12月4日 下午3点 地点:党员活动室');
    const id = await lastTalkId(bot);
    await run('2026-12-03T14:00');
    expect(count('王五', '谈心谈话提醒')).toBe(0); // not accepted yet, and not yet due
    await bot.say('王五', `谈话 接受 ${id}`);

    await run('2026-12-03T14:55');
    expect(count('王五', '谈心谈话提醒')).toBe(0);
    for (const t of ['2026-12-03T15:00', '2026-12-03T15:05', '2026-12-04T13:55']) await run(t);
    await run('2026-12-03T15:05', true);
    expect(count('王五', '谈心谈话提醒')).toBe(1);
    expect(count('张书记', '谈心谈话提醒')).toBe(1);
    expect(bot.outputs.find((o) => o.startsWith('[发给 王五] 【谈心谈话提醒】'))).toContain('明天 15:00 您与张书记有一次谈心谈话，地点：党员活动室');

    for (const t of ['2026-12-04T14:00', '2026-12-04T14:30', '2026-12-04T14:55', '2026-12-04T15:00']) await run(t);
    await run('2026-12-04T14:30', true);
    expect(count('王五', '谈心谈话即将开始')).toBe(1);
    expect(count('张书记', '谈心谈话即将开始')).toBe(1);
    expect(bot.outputs.find((o) => o.startsWith('[发给 张书记] 【谈心谈话即将开始】'))).toContain('今天 15:00 您与王五');
    expect(count('王五', '谈心谈话提醒')).toBe(1);
  });

  it('skips the day-before reminder of a talk agreed within the last day, and reminds again after a change of time', async () => {
    bot.setNow(at('2026-12-10T09:00'));
    await bot.say('张书记', '谈话 预约 赵六 今天下午4点');
    const id = await lastTalkId(bot);
    await bot.say('赵六', `谈话 接受 ${id}`);
    await run('2026-12-10T09:05');
    await run('2026-12-10T15:00');
    expect(count('赵六', '谈心谈话提醒')).toBe(0);
    expect(count('赵六', '谈心谈话即将开始')).toBe(1);

    bot.setNow(at('2026-12-10T15:10'));
    await bot.say('张书记', `谈话 改期 ${id} 12月14日 上午9点`);
    await run('2026-12-13T09:00');
    expect(count('赵六', '谈心谈话提醒')).toBe(0); // changed but not yet accepted again
    bot.setNow(at('2026-12-13T09:01'));
    await bot.say('赵六', `谈话 接受 ${id}`);
    await run('2026-12-14T08:00');
    expect(count('赵六', '谈心谈话提醒')).toBe(0);
    expect(count('赵六', '谈心谈话即将开始')).toBe(2);
  });
});
