import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingNotices } from '../../cron/meeting-notices.ts';
import { runJob } from '../../cron/runner.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { at, jobDeps, outboxKeys, seed, sentTo } from './seed.ts';

// The clock starts at Wednesday 2026-12-02 10:00 (Asia/Shanghai).
describe('会议 安排: notice, answers, reminders a day and an hour before, then the record', () => {
  let bot: TestBot;
  const run = async (when: string, force = false) => {
    bot.setNow(at(when));
    const r = await runJob(meetingNotices, at(when), jobDeps(bot), { force });
    await bot.drain();
    return r.counts;
  };
  beforeAll(async () => {
    bot = await createTestBot();
    await seed(bot, {
      第一党支部: [
        { name: '张三', roles: ['书记'] }, { name: '李四' }, { name: '王五', roles: ['组织委员'] },
        { name: '赵六', status: '预备党员' }, { name: '钱七', bound: false }, { name: '孙八', status: '群众' },
      ],
    });
  });
  afterAll(() => bot.close());

  it('sends a notice with 参加 / 请假 buttons to every party member and says who could not be reached', async () => {
    const reply = await bot.say('张三', '会议 安排 主题党日 2026-12-10 15:00 地点:党员活动室 主题:“学习贯彻全会精神”');
    expect(reply).toContain('【已发出会议通知 · 主题党日】');
    expect(reply).toContain('通知：4 / 5 人');
    expect(reply).toContain('1 人尚未绑定账号，未能通知：钱七');
    const notice = sentTo(bot, '李四').join('\n');
    expect(notice).toContain('【会议通知 · 主题党日】');
    expect(notice).toContain('第一党支部定于 12月10日（周四）15:00 召开主题党日');
    expect(notice).toContain('［参加］发送：会议 回复 1 参加');
    expect(notice).toContain('［请假］发送：会议 回复 1 请假');
    expect(sentTo(bot, '孙八')).toEqual([]);
  });

  it('records answers without forcing anyone; only invitees may answer', async () => {
    expect(await bot.say('李四', '会议 回复 1 请假 原因:出差')).toBe('已为您请假（出差）：主题党日（12月10日（周四）15:00）。');
    expect(await bot.say('王五', '会议 回复 1 参加')).toBe('已回复参加：主题党日（12月10日（周四）15:00）。');
    expect(await bot.say('孙八', '会议 回复 1 参加')).toContain('您不在这次会议的通知名单中');
    const view = await bot.say('张三', '会议 查看 1');
    expect(view).toContain('参加：1 人：王五');
    expect(view).toContain('请假：1 人：李四（出差）');
    expect(view).toContain('未回复：3 人');
    expect(await bot.say('李四', '会议 查看 1')).toContain('会议记录仅支部委员、记录人和本党小组组长可以查看');
  });

  it('reminds a day and an hour before, each exactly once, and not those on leave', async () => {
    expect(await run('2026-12-09T14:50')).toEqual({ meetings: 0, reminders: 0 });
    const mark = bot.outputs.length;
    expect(await run('2026-12-09T15:00')).toEqual({ meetings: 1, reminders: 3 });
    expect(sentTo(bot, '张三', mark).join('\n')).toContain('主题党日将于12月10日（周四）15:00召开，地点：党员活动室。如不能参加，请点“请假”。');
    // 王五 has answered: no buttons; 李四 is on leave: no reminder.
    expect(sentTo(bot, '王五', mark).join('\n')).not.toContain('会议 回复');
    expect(sentTo(bot, '李四', mark)).toEqual([]);
    expect(await run('2026-12-09T15:10', true)).toEqual({ meetings: 1, reminders: 0 });
    expect(await run('2026-12-10T13:50')).toEqual({ meetings: 1, reminders: 0 });
    expect(await run('2026-12-10T14:00')).toEqual({ meetings: 1, reminders: 3 });
    expect(bot.outputs.at(-1)).toContain('1小时后（15:00）');
    expect(await run('2026-12-10T14:01', true)).toEqual({ meetings: 1, reminders: 0 });
    expect(await run('2026-12-10T15:00')).toEqual({ meetings: 0, reminders: 0 });
    expect(await outboxKeys(bot, 'meeting-remind:')).toEqual([
      ...['1d', '1h'].flatMap((stage) => ['张三', '王五', '赵六'].map((n) => `meeting-remind:1:${stage}:console:${n}`)),
    ].sort());
  });

  it('starts the record from the notice: leave becomes absence with its reason', async () => {
    bot.setNow(at('2026-12-10T15:05'));
    expect(await bot.say('赵六', '会议 回复 1 参加')).toContain('会议已经开始');
    bot.setNow(at('2026-12-10T17:00'));
    const reply = await bot.say('张三', '会议 登记 1 决议:“各支部委员分片联系党员”');
    expect(reply).toContain('【已登记 · 主题党日】');
    expect(reply).toContain('地点：党员活动室');
    expect(reply).toContain('主题：学习贯彻全会精神');
    expect(reply).toContain('出席：应到 5 人，实到 4 人');
    expect(reply).toContain('缺席：李四（出差）');
    expect(await bot.say('张三', '会议 登记 1')).toContain('编号 1 的会议已登记');
    expect(await run('2026-12-10T17:01', true)).toEqual({ meetings: 0, reminders: 0 });
  });

  it('cancels a planned meeting, tells the invitees, and sends no reminders for it', async () => {
    bot.setNow(at('2026-12-11T10:00'));
    expect(await bot.say('张三', '会议 安排 党课 2026-12-10 09:00')).toContain('会议时间已过');
    await bot.say('张三', '会议 安排 党课 2026-12-20 09:00');
    expect(await bot.say('李四', '会议 取消 2')).toContain('仅书记、副书记、组织委员、宣传委员、纪检委员、党小组长可用');
    const mark = bot.outputs.length;
    expect(await bot.say('王五', '会议 取消 2 原因:与上级会议冲突'))
      .toContain('已取消党课（12月20日（周日）09:00），并已通知参会人员。\n1 人尚未绑定账号，未能通知：钱七。请线下通知。');
    expect(sentTo(bot, '李四', mark).join('\n')).toContain('原定 12月20日（周日）09:00 召开的党课取消。原因：与上级会议冲突。');
    expect(await run('2026-12-19T09:00')).toEqual({ meetings: 0, reminders: 0 });
    expect(await bot.say('王五', '会议 登记 2')).toContain('编号 2 的会议已取消');
  });
});
