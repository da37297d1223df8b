import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { appealEvents, auditLog } from '../../db/schema/index.ts';
import type { TestBot } from '../helpers/runtime.ts';
import { appealBot, appealRow, sentTo } from './seed.ts';

describe('职工诉求: submit, route, handle, rate, reopen', () => {
  let bot: TestBot;
  beforeAll(async () => {
    ({ bot } = await appealBot({
      第一党支部: [{ name: '张书记', roles: ['书记'] }, { name: '赵副书记', roles: ['副书记'] }, { name: '王五' },
        { name: '李四', roles: ['组织委员'] }, { name: '钱七' }],
      第二党支部: [{ name: '孙书记', roles: ['书记'] }],
    }));
  });
  afterAll(() => bot.close());

  it('files a typed category with a tracking number, the deadlines, and a card for the 书记', async () => {
    const receipt = await bot.say('王五', '诉求 薪酬福利 11月的加班费还没有发放');
    expect(receipt).toContain('【诉求已提交：SQ-2026-0001】');
    expect(receipt).toContain('承办人：张书记');
    expect(receipt).toContain('受理时限：2026-12-03 10:00 前');
    expect(receipt).toContain('办理时限：1个工作日内受理，受理后7个工作日内办结（复杂事项15个工作日）');
    const [card] = sentTo(bot, '张书记');
    expect(card).toContain('【职工诉求 SQ-2026-0001】\n您有一件新的职工诉求，请及时受理。\n\n11月的加班费还没有发放');
    expect(card).toContain('提交人：王五');
    expect(card).toContain('［受理］发送：诉求 受理 SQ-2026-0001');
    expect(card).toContain('［退回］发送：诉求 退回 SQ-2026-0001');
    const events = await bot.handle.db.select().from(appealEvents);
    expect(events.map((e) => [e.action, e.actorLabel])).toEqual([['submit', '王五']]);
    expect((await bot.handle.db.select().from(auditLog)).map((a) => a.action)).toContain('appeal.submit');
  });

  it('offers the categories on a card when none is typed; only the writer can pick', async () => {
    const card = await bot.say('王五', '诉求 食堂的饭菜太咸了');
    expect(card).toContain('【请选择诉求类别】\n食堂的饭菜太咸了');
    expect(card).toContain('［工作条件］发送：诉求 类别 1 工作条件');
    expect(card).toContain('［其他］发送：诉求 类别 1 其他');
    expect(await bot.say('钱七', '诉求 类别 1 意见建议')).toContain('这份诉求草稿已提交或已过期');
    expect(await bot.say('王五', '诉求 类别 1 伙食')).toBe('没有“伙食”这个类别，可选：工作条件、薪酬福利、安全生产、生活困难、意见建议、其他。');
    expect(await bot.say('王五', '诉求 类别 1 意见建议')).toContain('【诉求已提交：SQ-2026-0002】');
    expect(await bot.say('王五', '诉求 类别 1 意见建议')).toContain('这份诉求草稿已提交或已过期');
    expect((await appealRow(bot, 'SQ-2026-0002')).category).toBe('意见建议');
  });

  it('routes by the branch’s category setting; a transfer hands over without restarting the clock', async () => {
    expect(await bot.say('李四', '诉求 分派 安全生产 李四')).toContain('仅书记可用');
    expect(await bot.say('张书记', '诉求 分派 安全生产 李四')).toBe('已设置：第一党支部的“安全生产”类诉求由李四承办。此后提交的诉求按此分派。');
    expect(await bot.say('张书记', '诉求 分派 全部 副书记')).toContain('各类诉求（另有设置的类别除外）由本支部副书记承办');
    expect(await bot.say('张书记', '诉求 分派 安全生产 孙书记')).toContain('书记只能指定本支部的成员承办');
    const list = await bot.say('张书记', '诉求 分派 列表');
    expect(list).toContain('安全生产：李四');
    expect(list).toContain('薪酬福利：本支部副书记');

    const mark = bot.outputs.length;
    await bot.say('王五', '诉求 紧急 安全生产 三号车间的灭火器已过期');
    expect(sentTo(bot, '李四', mark)[0]).toContain('紧急程度：紧急');
    const before = await appealRow(bot, 'SQ-2026-0003');
    expect(before.acceptBy).toEqual(new Date('2026-12-02T12:00:00+08:00'));

    expect(await bot.say('李四', '诉求 转办 SQ-2026-0003')).toContain('请写明接收人和转办原因');
    expect(await bot.say('李四', '诉求 转办 SQ-2026-0003 钱七 灭火器由后勤保障部更换')).toBe('已把诉求 SQ-2026-0003 转给钱七。');
    expect(sentTo(bot, '钱七', mark)[0]).toContain('李四把这件诉求转给您办理，原因：灭火器由后勤保障部更换');
    expect(sentTo(bot, '王五', mark).at(-1)).toContain('您的诉求 SQ-2026-0003 已转由钱七办理');
    const after = await appealRow(bot, 'SQ-2026-0003');
    expect([after.state, after.handlerId, after.acceptBy]).toEqual(['transferred', after.handlerId, before.acceptBy]);
    expect(await bot.say('李四', '诉求 受理 SQ-2026-0003')).toContain('没有找到您可以查看的诉求');
    expect(await bot.say('孙书记', '诉求 进度 SQ-2026-0003')).toContain('没有找到您可以查看的诉求');

    await bot.say('王五', '诉求 生活困难 家里老人住院，想申请困难补助');
    expect((await appealRow(bot, 'SQ-2026-0004')).handlerId).not.toBeNull();
    expect(sentTo(bot, '赵副书记', mark)[0]).toContain('【职工诉求 SQ-2026-0004】');
  });

  it('returns an appeal outside the scope with a reason the submitter sees', async () => {
    expect(await bot.say('钱七', '诉求 退回 SQ-2026-0003')).toContain('请写明退回原因');
    await bot.say('钱七', '诉求 退回 SQ-2026-0003 灭火器已由安全环保部统一更换，无需另行办理');
    expect(sentTo(bot, '王五').at(-1)).toBe('[发给 王五] 您的诉求 SQ-2026-0003 不在受理范围内，已退回。说明：灭火器已由安全环保部统一更换，无需另行办理');
    expect(await bot.say('钱七', '诉求 受理 SQ-2026-0003')).toBe('SQ-2026-0003：诉求已退回，不能受理。该诉求已结束，不能再操作。');
  });

  it('accepts, pauses while waiting for the submitter, resolves, and asks for a rating', async () => {
    expect(await bot.say('张书记', '诉求 受理 SQ-2026-0001')).toContain('已受理诉求 SQ-2026-0001，2026-12-11 10:00 前办结。');
    expect(sentTo(bot, '王五').at(-1)).toContain('您的诉求 SQ-2026-0001 已由张书记受理，2026-12-11 10:00 前办结');

    bot.setNow('2026-12-03T10:00:00+08:00');
    expect(await bot.say('张书记', '诉求 询问 SQ-2026-0001 请说明是哪几个月的加班费')).toContain('对方回复前办结时限暂停计算');
    expect(sentTo(bot, '王五').at(-1)).toContain('承办人张书记问：请说明是哪几个月的加班费\n\n请回复：诉求 补充 SQ-2026-0001 <内容>');
    expect((await appealRow(bot, 'SQ-2026-0001')).resolveBy).toBeNull();

    bot.setNow('2026-12-07T10:00:00+08:00');
    // Thursday 10:00 to Monday 10:00 held two working days (Thursday's rest and Friday, Monday morning).
    expect(await bot.say('王五', '诉求 补充 SQ-2026-0001 是10月和11月两个月')).toBe(
      '已把补充情况转给承办人（诉求 SQ-2026-0001）。办理时限恢复计算，2026-12-15 10:00 前办结。');
    expect(sentTo(bot, '张书记').at(-1)).toContain('王五补充了情况：\n是10月和11月两个月\n\n办理时限已恢复计算。');

    bot.setNow('2026-12-08T10:00:00+08:00');
    expect(await bot.say('张书记', '诉求 办结 SQ-2026-0001')).toContain('请写明办理结果');
    expect(await bot.say('张书记', '诉求 办结 SQ-2026-0001 已协调财务部，两个月加班费12月10日补发')).toContain('已办结诉求 SQ-2026-0001，提交人会收到评价邀请');
    const rating = sentTo(bot, '王五').at(-1)!;
    expect(rating).toContain('办理结果（张书记）：已协调财务部，两个月加班费12月10日补发');
    expect(rating).toContain('［5分］发送：诉求 评价 SQ-2026-0001 5');
    const row = await appealRow(bot, 'SQ-2026-0001');
    expect([row.state, row.resolvedOnTime]).toEqual(['resolved', true]);

    const progress = await bot.say('王五', '诉求 进度 SQ-2026-0001');
    expect(progress).toContain('【诉求 SQ-2026-0001 · 已办结】');
    expect(progress).toContain('2026-12-02 10:00 提交（王五）\n2026-12-02 10:00 受理（张书记）\n'
      + '2026-12-03 10:00 请提交人补充（张书记）：请说明是哪几个月的加班费\n2026-12-07 10:00 补充情况（王五）：是10月和11月两个月\n'
      + '2026-12-08 10:00 办结（张书记）：已协调财务部，两个月加班费12月10日补发');
    const mine = await bot.say('王五', '诉求 进度');
    expect(mine).toContain('SQ-2026-0001 薪酬福利 已办结');
    expect(mine).toContain('SQ-2026-0004 生活困难 待受理 · 2026-12-03 10:00 前受理');
  });

  it('takes one rating from the submitter, and a reopening within 7 days', async () => {
    expect(await bot.say('钱七', '诉求 评价 SQ-2026-0001 5')).toContain('没有找到您可以查看的诉求');
    expect(await bot.say('张书记', '诉求 评价 SQ-2026-0001 5')).toBe('只有提交人可以评价诉求 SQ-2026-0001。');
    expect(await bot.say('王五', '诉求 评价 SQ-2026-0001 6')).toContain('“满意度（1至5分）”应为介于 1 和 5 之间的整数');
    expect(await bot.say('王五', '诉求 评价 SQ-2026-0001 2 只补发了一个月')).toContain('如问题仍未解决，可发送“诉求 重办 SQ-2026-0001 <原因>”');
    expect(sentTo(bot, '张书记').at(-1)).toContain('诉求 SQ-2026-0001 的提交人评价：2分，“只补发了一个月”');
    expect(await bot.say('王五', '诉求 评价 SQ-2026-0001 3')).toContain('您已为诉求 SQ-2026-0001 打过分（2分）');

    bot.setNow('2026-12-09T10:00:00+08:00');
    expect(await bot.say('王五', '诉求 重办 SQ-2026-0001')).toContain('请写明还有什么没有解决');
    expect(await bot.say('王五', '诉求 重办 SQ-2026-0001 11月的还没有发')).toBe(
      '已申请重新办理诉求 SQ-2026-0001，承办人会重新处理，2026-12-18 10:00 前办结。');
    const card = sentTo(bot, '张书记').at(-1)!;
    expect(card).toContain('王五认为问题没有解决，申请重新办理：11月的还没有发');
    expect(card).toContain('［受理］发送：诉求 受理 SQ-2026-0001');
    expect(card).not.toContain('［转办］');
    const row = await appealRow(bot, 'SQ-2026-0001');
    expect([row.state, row.round, row.rating, row.resolvedAt]).toEqual(['reopened', 1, null, null]);

    await bot.say('张书记', '诉求 受理 SQ-2026-0001');
    bot.setNow('2026-12-10T10:00:00+08:00');
    await bot.say('张书记', '诉求 办结 SQ-2026-0001 11月加班费已补发');
    bot.setNow('2026-12-17T10:00:00.001+08:00');
    expect(await bot.say('王五', '诉求 重办 SQ-2026-0001 还是不对')).toBe('办结已超过7天，不能重新打开；如问题仍未解决，请重新提交诉求。');
    expect(await bot.say('王五', '诉求 评价 SQ-2026-0001 5')).toContain('谢谢您的评价（5分）');
  });

  it('answers bad input and the wrong place clearly', async () => {
    expect(await bot.say('王五', '诉求')).toContain('缺少“诉求内容”\n用法：诉求 <诉求内容…>');
    expect(await bot.say('王五', '诉求 匿名')).toContain('请写明诉求的具体内容');
    expect(await bot.say('王五', '诉求 工资', { group: '支部群' })).toContain('该命令请在与机器人的私聊中使用');
    expect(await bot.say('王五', '诉求 进度 第一件')).toBe('“第一件”不是诉求编号，编号形如 SQ-2026-0001。');
    expect(await bot.say('路人甲', '诉求 想反映个问题')).toContain('仅已绑定成员信息的用户可用');
    expect(await bot.say('管理员', '诉求 想反映个问题')).toContain('诉求需由职工本人提交');
    expect(await bot.say('王五', '诉求 待办')).toBe('目前没有待您办理的诉求。');
    expect(await bot.say('赵副书记', '诉求 待办')).toContain('SQ-2026-0004 生活困难 待受理');
  });
});
