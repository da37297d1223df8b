import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appealSla } from '../../cron/appeal-sla.ts';
import { runJob } from '../../cron/runner.ts';
import type { TestBot } from '../helpers/runtime.ts';
import { appealBot, appealRow, jobDeps, outboxRows, sentTo } from './seed.ts';

describe('appeal-sla job: escalation exactly once per level, archiving, unassigned appeals', () => {
  let bot: TestBot;
  const run = async (iso: string) => {
    bot.setNow(iso);
    const r = await runJob(appealSla, bot.now(), jobDeps(bot));
    expect(r.status).toBe('ok');
    await bot.drain();
    return r.counts!;
  };
  const escalations = async () => (await outboxRows(bot)).filter((r) => r.dedupeKey.startsWith('appeal-escalate:'))
    .map((r) => `${r.recipient.id} ${r.dedupeKey.split(':').slice(2, 5).join(':')}`).sort();

  beforeAll(async () => {
    ({ bot } = await appealBot({
      第一党支部: [{ name: '张书记', roles: ['书记'] }, { name: '王五' }],
      第二党支部: [{ name: '孙六' }],
    }));
  });
  afterAll(() => bot.close());

  it('tells the 书记 once just after the accept deadline, the admins once a working day later', async () => {
    await bot.say('王五', '诉求 薪酬福利 11月加班费没有发');
    expect((await appealRow(bot, 'SQ-2026-0001')).acceptBy).toEqual(new Date('2026-12-03T10:00:00+08:00'));
    expect((await run('2026-12-03T10:00:00+08:00')).escalated).toBe(0);
    // Two instances racing past the deadline (no job_runs slot between them): one escalation.
    bot.setNow('2026-12-03T10:15:00+08:00');
    const raced = await Promise.all([appealSla.run(bot.now(), jobDeps(bot)), appealSla.run(bot.now(), jobDeps(bot))]);
    expect(raced.map((c) => c.escalated).sort()).toEqual([0, 1]);
    await bot.drain();
    expect(sentTo(bot, '张书记').at(-1)).toContain('【诉求 SQ-2026-0001 超过受理时限】\n第一党支部的诉求 SQ-2026-0001（薪酬福利）应于 2026-12-03 10:00 前受理，现已超时。请督促承办人尽快办理。');
    expect((await run('2026-12-03T10:30:00+08:00')).escalated).toBe(0);
    expect((await run('2026-12-03T16:00:00+08:00')).escalated).toBe(0);
    expect((await run('2026-12-04T10:00:00+08:00')).escalated).toBe(0);
    expect((await run('2026-12-04T10:15:00+08:00')).escalated).toBe(1);
    expect(sentTo(bot, '管理员').some((o) => o.includes('支部提醒后仍未办理，请上级党组织督办'))).toBe(true);
    expect((await run('2026-12-08T10:15:00+08:00')).escalated).toBe(0);
    expect(await escalations()).toEqual(['张书记 r0:accept:secretary', '管理员 r0:accept:parent_admins']);
    expect((await appealRow(bot, 'SQ-2026-0001')).escalations).toEqual(['accept:secretary', 'accept:parent_admins']);
    expect(await bot.say('王五', '诉求 进度 SQ-2026-0001')).toContain('2026-12-03 10:15 超时提醒（系统）：超过受理时限，已提醒支部书记');
  });

  it('runs the resolve clock on its own keys and never while waiting for the submitter', async () => {
    bot.setNow('2026-12-08T11:00:00+08:00');
    await bot.say('张书记', '诉求 受理 SQ-2026-0001');
    expect((await appealRow(bot, 'SQ-2026-0001')).resolveBy).toEqual(new Date('2026-12-17T11:00:00+08:00'));
    bot.setNow('2026-12-14T10:00:00+08:00');
    await bot.say('张书记', '诉求 询问 SQ-2026-0001 请提供考勤记录');
    expect((await run('2026-12-18T12:00:00+08:00')).escalated).toBe(0);
    bot.setNow('2026-12-17T10:00:00+08:00');
    await bot.say('王五', '诉求 补充 SQ-2026-0001 考勤记录已交班组长');
    // Paused Monday 10:00 to Thursday 10:00: three working days later than 17 Dec 11:00.
    expect((await appealRow(bot, 'SQ-2026-0001')).resolveBy).toEqual(new Date('2026-12-22T11:00:00+08:00'));
    expect((await run('2026-12-22T11:00:00+08:00')).escalated).toBe(0);
    expect((await run('2026-12-22T11:15:00+08:00')).escalated).toBe(1);
    expect(sentTo(bot, '张书记').at(-1)).toContain('应于 2026-12-22 11:00 前办结，现已超时');
    expect((await run('2026-12-22T11:30:00+08:00')).escalated).toBe(0);
    expect(await escalations()).toContain('张书记 r0:resolve:secretary');
  });

  it('archives a resolution after 7 days unless reopened, and tells the submitter', async () => {
    bot.setNow('2026-12-22T12:00:00+08:00');
    await bot.say('张书记', '诉求 办结 SQ-2026-0001 加班费已于12月20日发放');
    expect((await run('2026-12-29T12:00:00+08:00')).closed).toBe(0);
    expect((await run('2026-12-29T12:15:00+08:00')).closed).toBe(1);
    expect(sentTo(bot, '王五').at(-1)).toBe('[发给 王五] 您的诉求 SQ-2026-0001 办结已满7天，已归档。如还没有评价，可发送“诉求 评价 SQ-2026-0001 <1至5分>”。');
    expect((await appealRow(bot, 'SQ-2026-0001')).state).toBe('closed');
    expect((await run('2026-12-29T12:30:00+08:00')).closed).toBe(0);
    expect(await bot.say('王五', '诉求 重办 SQ-2026-0001 还有问题')).toContain('诉求已关闭，不能重新打开');
    expect(await bot.say('王五', '诉求 评价 SQ-2026-0001 5')).toContain('谢谢您的评价');
  });

  it('puts an appeal nobody in the branch can handle before the admins, once', async () => {
    bot.setNow('2026-12-30T09:00:00+08:00');
    expect(await bot.say('孙六', '诉求 工作条件 车间通风不好')).toContain('承办人：正在安排');
    expect((await run('2026-12-30T09:15:00+08:00')).unassigned).toBe(1);
    expect(sentTo(bot, '管理员').at(-1)).toContain('请发送“诉求 转办 SQ-2026-0002 <承办人> <原因>”指定承办人');
    expect((await run('2026-12-30T09:30:00+08:00')).unassigned).toBe(0);
    expect(await bot.say('管理员', '诉求 转办 SQ-2026-0002 张书记 第二党支部暂无书记，由第一党支部书记代办')).toBe('已把诉求 SQ-2026-0002 转给张书记。');
  });

  it('asks the admins once to enter a year whose holidays are not built in', async () => {
    const reminders = (await outboxRows(bot)).filter((r) => r.dedupeKey.startsWith('workdays-missing:'));
    expect(reminders.map((r) => r.dedupeKey)).toEqual([expect.stringMatching(/^workdays-missing:\d+:2027:console:管理员$/)]);
    expect(sentTo(bot, '管理员').some((o) => o.includes('系统尚未内置2027年的法定节假日和调休安排'))).toBe(true);
  });
});
