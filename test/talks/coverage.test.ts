import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { talkCoverageReminder } from '../../cron/talk-coverage.ts';
import { runJob } from '../../cron/runner.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { jobDeps, seed, sentTo } from './seed.ts';

const at = (s: string) => new Date(`${s}+08:00`);
const missingIn = (reply: string) => /还没有与支委谈心谈话：\n(.*)/.exec(reply)?.[1]?.split('、') ?? [];

describe('yearly coverage (支部工作条例 Art.19)', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await createTestBot({ now: at('2026-09-20T10:00') });
    await seed(bot, {
      第一党支部: [
        { name: '张书记', roles: ['书记'] }, { name: '李委员', roles: ['组织委员'] }, { name: '王五' }, { name: '赵六' },
        { name: '钱七', status: '预备党员' }, { name: '周九', status: '入党积极分子' },
      ],
      第二党支部: [{ name: '孙书记', roles: ['书记'] }, { name: '吴十' }],
    });
    // 支委之间: covers both committee members.
    await bot.say('李委员', '谈话 补录 张书记 2026-03-01 10:00 年度工作交流');
  });
  afterAll(() => bot.close());

  it('reminds each branch 书记 on the first of October, November and December only, once each', async () => {
    const run = async (when: string, force = false) => {
      bot.setNow(at(when));
      await runJob(talkCoverageReminder, at(when), jobDeps(bot), { force });
      await bot.drain();
    };
    await run('2026-09-01T09:00', true);
    expect(sentTo(bot, '张书记').filter((o) => o.includes('覆盖提醒'))).toHaveLength(0);
    await run('2026-10-01T09:00');
    await run('2026-10-01T09:00', true);
    const october = sentTo(bot, '张书记').filter((o) => o.includes('覆盖提醒'));
    expect(october).toHaveLength(1);
    expect(october[0]).toContain('本年度还剩 3 个月');
    expect(missingIn(october[0]!)).toEqual(['王五', '赵六', '钱七']);
    expect(sentTo(bot, '孙书记').filter((o) => o.includes('覆盖提醒'))[0]).toContain('孙书记、吴十');
    expect(sentTo(bot, '李委员').filter((o) => o.includes('覆盖提醒'))).toHaveLength(0);

    bot.setNow(at('2026-10-15T10:00'));
    await bot.say('张书记', '谈话 补录 王五 2026-10-10 15:00 谈了工作和学习');
    await run('2026-11-01T09:00');
    const november = sentTo(bot, '张书记').filter((o) => o.includes('覆盖提醒'));
    expect(november).toHaveLength(2);
    expect(missingIn(november[1]!)).toEqual(['赵六', '钱七']);
  });

  it('谈话 覆盖 counts a talk in the local year it was held, across the year boundary', async () => {
    bot.setNow(at('2026-12-31T23:40'));
    await bot.say('张书记', '谈话 补录 赵六 2026-12-31 23:30 年终谈心');
    const reply = await bot.say('李委员', '谈话 覆盖');
    expect(reply).toContain('2026年谈心谈话覆盖');
    expect(missingIn(reply)).toEqual(['钱七']);

    bot.setNow(at('2027-01-01T00:10'));
    expect(missingIn(await bot.say('李委员', '谈话 覆盖'))).toEqual(['张书记', '李委员', '王五', '赵六', '钱七']);
    expect(missingIn(await bot.say('李委员', '谈话 覆盖 2026'))).toEqual(['钱七']);
    expect(missingIn(await bot.say('管理员', '谈话 覆盖 去年 支部:第二党支部'))).toEqual(['孙书记', '吴十']);
  });

  it('is for committee members of their own branch', async () => {
    expect(await bot.say('王五', '谈话 覆盖')).toContain('仅书记、副书记、组织委员、宣传委员、纪检委员可用');
    expect(await bot.say('李委员', '谈话 覆盖 支部:第二党支部')).toContain('只能处理本支部');
  });
});
