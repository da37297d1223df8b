import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { lastTalkId, seed, sentTo, talkRow } from './seed.ts';

// The clock starts on Wednesday 2026-12-02 10:00 (Asia/Shanghai).
const at = (s: string) => new Date(`${s}+08:00`);

describe('谈话 预约 and the reschedule flow', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await createTestBot();
    await seed(bot, {
      第一党支部: [
        { name: '张书记', roles: ['书记'] }, { name: '王五' }, { name: '赵六' }, { name: '钱七', status: '预备党员' },
      ],
      第二党支部: [{ name: '孙八' }],
    });
  });
  afterAll(() => bot.close());

  it.each<[string, string, string, string | null, boolean]>([
    ['谈话 预约 @王五 下周三下午3点 原因:岗位变动', '王五', '2026-12-09T15:00', '岗位变动', true],
    ['谈话 预约 赵六 明天 15:00 地点:党员活动室 原因:2', '赵六', '2026-12-03T15:00', '受表彰或处分', true],
    ['谈话 预约 钱七 12月10日 下午三点半 事由:“了解学习近况”', '钱七', '2026-12-10T15:30', '了解学习近况', false],
    ['谈话 预约 王五 2026-12-20 09:30', '王五', '2026-12-20T09:30', null, false],
  ])('books “%s”', async (line, guest, when, reason, mustTalk) => {
    const mark = bot.outputs.length;
    expect(await bot.say('张书记', line)).toContain(`已向${guest}发出谈心谈话邀约`);
    const t = await talkRow(bot, await lastTalkId(bot));
    expect(t).toMatchObject({ status: 'invited', reason, mustTalk });
    expect(t.scheduledAt).toEqual(at(when));
    const card = sentTo(bot, guest, mark).join('\n');
    expect(card).toContain('【谈心谈话邀约】');
    expect(card).toContain(`发送：谈话 接受 ${t.id}`);
    expect(card).toContain(`发送：谈话 另约 ${t.id}`);
    expect(card).toContain(`发送：谈话 婉拒 ${t.id}`);
  });

  it('refuses a time without the hour, a past time and a member of another branch', async () => {
    expect(await bot.say('张书记', '谈话 预约 王五 下周三')).toContain('还需要具体时间');
    expect(await bot.say('张书记', '谈话 预约 王五 昨天下午3点')).toContain('这个时间已经过去了');
    expect(await bot.say('张书记', '谈话 预约 孙八 明天下午3点')).toContain('只能处理本支部');
  });

  it('takes a name without a time (the suggestion card button) as a draft, then a time sends the invitation', async () => {
    const reply = await bot.say('张书记', '谈话 预约 赵六');
    const id = await lastTalkId(bot);
    expect(reply).toContain('草稿');
    expect(reply).toContain(`谈话 改期 ${id} <时间>`);
    expect(reply).toContain('1.岗位变动');
    expect(await bot.say('张书记', '谈话 预约 赵六')).toContain('已有一份待定时间的草稿');
    expect(await lastTalkId(bot)).toBe(id);
    expect(sentTo(bot, '赵六').join('\n')).not.toContain(`#${id}`);
    const mark = bot.outputs.length;
    expect(await bot.say('张书记', `谈话 改期 ${id} 下周五上午10点`)).toContain('12月11日（周五）10:00');
    expect((await talkRow(bot, id)).status).toBe('invited');
    expect(sentTo(bot, '赵六', mark).join('\n')).toContain('【谈心谈话邀约】');
  });

  it('the 预约谈话 button of a status-change suggestion opens a draft', async () => {
    const mark = bot.outputs.length;
    await bot.say('张书记', '成员 设置 钱七 身份:正式党员');
    const card = sentTo(bot, '张书记', mark).find((o) => o.includes('【建议开展谈心谈话】'))!;
    const button = /［预约谈话］发送：(.+)/.exec(card)![1]!;
    expect(button).toBe('谈话 预约 钱七');
    expect(await bot.say('张书记', button)).toContain('已保存为草稿');
    expect((await talkRow(bot, await lastTalkId(bot))).status).toBe('draft');
  });

  it('guest proposes another time, host agrees; then proposes again, host disagrees and the guest accepts the original', async () => {
    await bot.say('张书记', '谈话 预约 钱七 下周三下午3点');
    const id = await lastTalkId(bot);
    expect(await bot.say('钱七', `谈话 另约 ${id}`)).toContain(`谈话 另约 ${id} 周五上午10点`);
    let mark = bot.outputs.length;
    expect(await bot.say('钱七', `谈话 另约 ${id} 下周四上午10点`)).toContain('已向张书记提议改到12月10日（周四）10:00');
    const counter = sentTo(bot, '张书记', mark).join('\n');
    expect(counter).toContain('【对方提议另约时间】');
    expect(counter).toContain(`发送：谈话 同意 ${id}`);
    expect(await bot.say('赵六', `谈话 同意 ${id}`)).toContain(`没有找到谈话 #${id}`);
    mark = bot.outputs.length;
    expect(await bot.say('张书记', `谈话 同意 ${id}`)).toContain('改到12月10日（周四）10:00');
    expect(await talkRow(bot, id)).toMatchObject({ status: 'accepted', scheduledAt: at('2026-12-10T10:00'), proposedAt: null });
    expect(sentTo(bot, '钱七', mark).join('\n')).toContain('时间已确定');

    await bot.say('钱七', `谈话 另约 ${id} 下周五上午9点`);
    expect((await talkRow(bot, id)).status).toBe('countered');
    mark = bot.outputs.length;
    expect(await bot.say('张书记', `谈话 不同意 ${id} 周五要开支委会`)).toContain('仍按原定时间（12月10日（周四）10:00）');
    expect(await talkRow(bot, id)).toMatchObject({ status: 'invited', scheduledAt: at('2026-12-10T10:00'), proposedAt: null });
    expect(sentTo(bot, '钱七', mark).join('\n')).toContain('周五要开支委会');
    expect(await bot.say('张书记', `谈话 接受 ${id}`)).toContain('只有钱七本人可以答复');
    mark = bot.outputs.length;
    expect(await bot.say('钱七', `谈话 接受 ${id}`)).toContain('已接受与张书记的谈心谈话：12月10日（周四）10:00');
    expect((await talkRow(bot, id)).status).toBe('accepted');
    expect(sentTo(bot, '张书记', mark).join('\n')).toContain('钱七已接受');
    const audit = await bot.handle.db.select().from(auditLog).where(and(eq(auditLog.entity, 'talk'), eq(auditLog.entityId, String(id))));
    expect(audit.map((a) => a.action)).toEqual(['talk.book', 'talk.counter', 'talk.agree', 'talk.counter', 'talk.disagree', 'talk.accept']);
  });

  it('a decline needs a reason, which reaches the host; the host can cancel an open talk', async () => {
    await bot.say('张书记', '谈话 预约 王五 下周一上午9点');
    const id = await lastTalkId(bot);
    expect(await bot.say('王五', `谈话 婉拒 ${id}`)).toContain('请说明婉拒的原因');
    let mark = bot.outputs.length;
    expect(await bot.say('王五', `谈话 婉拒 ${id} 下周在外地培训`)).toContain('已婉拒');
    expect(sentTo(bot, '张书记', mark).join('\n')).toContain('王五婉拒了谈心谈话（#' + id + '），原因：下周在外地培训');
    expect(await bot.say('张书记', `谈话 取消 ${id}`)).toContain('已经结束');

    await bot.say('张书记', '谈话 预约 王五 下周二上午9点');
    const next = await lastTalkId(bot);
    mark = bot.outputs.length;
    expect(await bot.say('张书记', `谈话 取消 ${next} 临时出差`)).toContain('已通知王五');
    expect(sentTo(bot, '王五', mark).join('\n')).toContain('取消了原定12月8日（周二）09:00的谈心谈话');
    expect(await bot.say('王五', `谈话 接受 ${next}`)).toContain('已不需要答复');
  });
});
