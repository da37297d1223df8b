import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, chats, tenants } from '../../db/schema/index.ts';
import { parseSettings } from '../../src/domain/settings.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { seedMonth, type Seeded } from './seed.ts';

describe('周报 and 月报 commands', () => {
  let bot: TestBot;
  let s: Seeded;
  beforeAll(async () => {
    bot = await createTestBot({ now: '2026-11-27T18:00:00+08:00' });
    s = await seedMonth(bot.handle.db);
  });
  afterAll(() => bot.close());

  it('shows the 书记 the last seven days privately, where it goes and when it goes next', async () => {
    const r = await bot.say('张书记', '周报');
    expect(r).toContain('【第一党支部 本周工作小结】\n统计时段：11月20日（周五）至 11月27日（周五）');
    expect(r).toContain('11月党费收缴 ██████░░░░ 63%');
    expect(r).toContain('本支部群：一支部群（已开启）、一支部旧群（已关闭）\n下次发送：12月4日（周五）17:00。');
    const quiet = await bot.say('陈书记', '周报');
    expect(quiet).toContain('按目前情况，本周没有需要告知的事项；届时仍是如此的话，不会发送。');
  });

  it('refuses members without the role, the wrong chat, and another branch', async () => {
    expect(await bot.say('钱党员', '周报')).toBe('“周报”：该命令仅书记、副书记可用。');
    expect(await bot.say('张书记', '周报', { group: '一支部群' })).toBe('“周报”：该命令请在与机器人的私聊中使用。');
    expect(await bot.say('张书记', '周报 关闭')).toBe('“周报 关闭”：该命令请在群聊中 @机器人 使用。');
    expect(await bot.say('陈书记', '周报 预览', { group: '一支部群' })).toBe('您只能处理本支部的事务。');
    expect(await bot.say('陈书记', '周报 支部:第一党支部')).toBe('您只能处理本支部的事务。');
    expect(await bot.say('张书记', '周报 预览', { group: '闲聊群' })).toBe('本群还没有绑定支部。请书记在群里发送“支部 绑定群 <支部名称>”。');
  });

  it('previews in the group exactly what the group would get', async () => {
    const r = await bot.say('张书记', '周报 预览', { group: '一支部群' });
    expect(r).toContain('【【预览】第一党支部 本周工作小结】');
    expect(r).toContain('本周召开 2 次：支部委员会会议（11月24日）、党课（11月25日）');
    expect(r).not.toMatch(/张书记|钱党员|元/);
  });

  it('switches a group’s summary off and on, with an audit row', async () => {
    expect(await bot.say('张书记', '周报 关闭', { group: '一支部群' })).toBe('已关闭本群的每周工作小结（第一党支部）。需要时发送“周报 开启”。');
    const [row] = await bot.handle.db.select().from(chats).where(eq(chats.id, s.chatA));
    expect(row!.summaryEnabled).toBe(false);
    expect(await bot.say('张书记', '周报 关闭', { group: '一支部群' })).toBe('本群的每周工作小结已经是关闭状态。');
    expect(await bot.say('张书记', '周报 开启', { group: '一支部群' })).toBe(
      '已开启本群的每周工作小结（第一党支部），下次发送：12月4日（周五）17:00。只含汇总数字，不含个人党费金额；没有需要告知的事项的那一周不发送。');
    const audits = await bot.handle.db.select().from(auditLog).where(and(eq(auditLog.entity, 'chat'), eq(auditLog.entityId, String(s.chatA))));
    expect(audits.map((a) => [a.action, a.actor])).toEqual([['summary-off', `member:${s.ids['张书记']}`], ['summary-on', `member:${s.ids['张书记']}`]]);
  });

  it('lets an admin move the weekly moment, and refuses a bad time with the right usage', async () => {
    expect(await bot.say('张书记', '周报 时间 周一 09:00')).toBe('“周报 时间”：该命令仅管理员可用。');
    expect(await bot.say('管理员', '周报 时间 周一 25:00')).toBe('每周小结·时间：应写作 HH:MM（24小时制），例如 22:00。例如“周报 时间 周五 17:00”。');
    expect(await bot.say('管理员', '周报 时间 周八 09:00')).toContain('“星期”应为以下之一：周一、周二、周三、周四、周五、周六、周日');
    expect(await bot.say('管理员', '周报 时间 星期一 9:30')).toBe('已设置：每周一 09:30 发送支部工作小结（15分钟内送出）。下次发送：11月30日（周一）09:30。');
    const [t] = await bot.handle.db.select().from(tenants).where(eq(tenants.id, s.tenantId));
    expect(parseSettings(t!.settings).weeklySummary).toEqual({ weekday: 1, time: '09:30' });
  });

  it('shows last month’s scorecard to a 书记, and all branches to an admin', async () => {
    bot.setNow('2026-12-03T10:00:00+08:00');
    const mine = await bot.say('张书记', '月报');
    expect(mine).toContain('【第一党支部 2026年11月工作简报】');
    expect(mine).toContain('已开 2/3 次（67%）；10月 1/3 次（33%）');
    expect(await bot.say('张书记', '月报 2026-10')).toContain('已交 7/8 人（88%）；9月 —');
    expect(await bot.say('张书记', '月报 2027-01')).toBe('2027-01 还没有到，无法生成简报。');
    const all = await bot.say('管理员', '月报');
    expect(all).toContain('【2026年11月各支部工作简报】');
    expect(all.indexOf('第一党支部：')).toBeLessThan(all.indexOf('第二党支部：'));
    expect(await bot.say('管理员', '月报 支部:第二党支部')).toContain('【第二党支部 2026年11月工作简报】');
  });
});
