import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { seed, sentTo } from './seed.ts';

const SUGGESTION = '【建议开展谈心谈话】';

/** The 必谈 suggestions a change of status or role sends the branch 书记 (dues arrears: test/dues/reminders.test.ts). */
describe('必谈 triggers: a change of status or role in the branch', () => {
  let bot: TestBot;
  const suggestions = (to: string, from: number) => sentTo(bot, to, from).filter((o) => o.includes(SUGGESTION));
  beforeAll(async () => {
    bot = await createTestBot();
    await seed(bot, {
      第一党支部: [{ name: '张书记', roles: ['书记'] }, { name: '周副书记', roles: ['副书记'] }, { name: '王五' }, { name: '钱七', status: '预备党员' }],
      第二党支部: [{ name: '孙书记', roles: ['书记'] }],
    });
  });
  afterAll(() => bot.close());

  it('a new role and a role given up each reach the 书记 of the branch, with a button that books the talk', async () => {
    let mark = bot.outputs.length;
    await bot.say('周副书记', '成员 设置 王五 职务:组织委员');
    let [card] = suggestions('张书记', mark);
    expect(card).toContain('王五新任组织委员。按“必谈”要求，建议近期与其谈心谈话。');
    expect(card).toContain('［预约谈话］发送：谈话 预约 王五');
    expect(suggestions('周副书记', mark)).toEqual([]);
    expect(suggestions('孙书记', mark)).toEqual([]);

    mark = bot.outputs.length;
    await bot.say('周副书记', '成员 设置 王五 职务:无');
    [card] = suggestions('张书记', mark);
    expect(card).toContain('王五不再担任组织委员');
  });

  it('a change of status says from what to what; an edit that changes neither sends nothing', async () => {
    let mark = bot.outputs.length;
    await bot.say('张书记', '成员 设置 钱七 身份:正式党员 转正日期:2026-11-30');
    expect(suggestions('张书记', mark)).toEqual([expect.stringContaining('钱七身份由“预备党员”变为“正式党员”')]);

    mark = bot.outputs.length;
    expect(await bot.say('张书记', '成员 设置 钱七 工号:A1024')).toContain('已更新“钱七”');
    expect(await bot.say('张书记', '成员 设置 钱七 身份:正式党员')).toContain('没有要修改的内容');
    expect(suggestions('张书记', mark)).toEqual([]);
  });

  it('the 书记’s own change is not suggested to themself', async () => {
    const mark = bot.outputs.length;
    await bot.say('张书记', '成员 设置 张书记 职务:书记,组织委员');
    expect(suggestions('张书记', mark)).toEqual([]);
  });
});
