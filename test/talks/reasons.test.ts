import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, tenants } from '../../db/schema/index.ts';
import { parseSettings } from '../../src/domain/settings.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { lastTalkId, seed, talkRow } from './seed.ts';

describe('谈话 必谈: the tenant’s own 必谈 list', () => {
  let bot: TestBot;
  let tenantId: number;
  const stored = async () => {
    const [t] = await bot.handle.db.select().from(tenants).where(eq(tenants.id, tenantId));
    return parseSettings(t!.settings).mustTalkReasons;
  };
  beforeAll(async () => {
    bot = await createTestBot();
    ({ tenantId } = await seed(bot, { 第一党支部: [{ name: '张书记', roles: ['书记'] }, { name: '王五' }] }));
  });
  afterAll(() => bot.close());

  it('shows the default list to any member, numbered as bookings use it', async () => {
    const reply = await bot.say('王五', '谈话 必谈');
    expect(reply).toContain('【本单位的必谈情形】');
    expect(reply).toContain('1. 岗位变动\n2. 受表彰或处分\n3. 家庭困难或变故\n4. 思想波动或矛盾');
  });

  it('only an admin changes it; a booking then picks from the new list', async () => {
    expect(await bot.say('张书记', '谈话 必谈 岗位变动、转为正式党员')).toContain('只有管理员可以修改');
    expect(await stored()).toHaveLength(4);

    const reply = await bot.say('管理员', '谈话 必谈 岗位变动、受表彰或处分，家庭困难或变故 思想波动或矛盾、转为正式党员');
    expect(reply).toContain('【已更新必谈情形】');
    expect(reply).toContain('5. 转为正式党员');
    expect(await stored()).toEqual(['岗位变动', '受表彰或处分', '家庭困难或变故', '思想波动或矛盾', '转为正式党员']);
    const [audit] = await bot.handle.db.select().from(auditLog).where(eq(auditLog.entity, 'tenant-settings'));
    expect(audit).toMatchObject({ actor: 'admin:console:管理员', after: { mustTalkReasons: await stored() } });

    expect(await bot.say('张书记', '谈话 预约 王五 明天下午3点 原因:5')).toContain('已向王五发出谈心谈话邀约');
    expect(await talkRow(bot, await lastTalkId(bot))).toMatchObject({ reason: '转为正式党员', mustTalk: true });
    expect(await bot.say('张书记', '谈话 预约 王五')).toContain('5.转为正式党员');
  });

  it('refuses a list with repeats or over-long items, and restores the default', async () => {
    expect(await bot.say('管理员', '谈话 必谈 岗位变动、岗位变动')).toContain('必谈情形：应为1至20项不重复的文字');
    expect(await bot.say('管理员', `谈话 必谈 ${'很'.repeat(31)}`)).toContain('每项不超过30字');
    expect(await stored()).toHaveLength(5);
    expect(await bot.say('管理员', '谈话 必谈 默认')).toContain('4. 思想波动或矛盾');
    expect(await stored()).toEqual(['岗位变动', '受表彰或处分', '家庭困难或变故', '思想波动或矛盾']);
  });
});
