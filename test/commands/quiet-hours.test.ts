import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, outbox, tenants } from '../../db/schema/index.ts';
import { enqueue } from '../../src/notify/outbox.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { addTenant, at, TZ, user } from '../notify/fixtures.ts';

describe('免打扰: the tenant quiet-hours setting from chat', () => {
  let bot: TestBot;
  let tenantId: number;
  beforeAll(async () => {
    bot = await createTestBot();
    await bot.say('管理员', '支部 新建 第一党支部');
    await bot.say('管理员', '成员 添加 张三 身份:正式党员 职务:书记 支部:第一党支部');
    const [t] = await bot.handle.db.select().from(tenants).where(eq(tenants.platform, 'console'));
    tenantId = t!.id;
  });
  afterAll(() => bot.close());

  const reminderAt = async (key: string, local: string) => {
    await enqueue(bot.handle.db, { tenantId, recipient: user('张三', 'console'), reply: { kind: 'text', text: '提醒' }, dedupeKey: key },
      { now: at(local), tz: TZ });
    return (await bot.handle.db.select().from(outbox).where(eq(outbox.dedupeKey, key)))[0]!.notBefore;
  };

  it('shows the default window', async () => {
    expect(await bot.say('管理员', '免打扰')).toContain('免打扰时段：每天 22:00 至次日 08:00');
  });

  it('an admin sets a new window; reminders follow it, and the change is audited', async () => {
    expect(await bot.say('管理员', '免打扰 设置 23:00 早上7点')).toContain('已设置免打扰时段：每天 23:00 至次日 07:00');
    expect(await bot.say('管理员', '免打扰')).toContain('每天 23:00 至次日 07:00');
    expect(await reminderAt('quiet:2230', '2026-12-02T22:30')).toEqual(at('2026-12-02T22:30'));
    expect(await reminderAt('quiet:2330', '2026-12-02T23:30')).toEqual(at('2026-12-03T07:00'));
    const [audit] = await bot.handle.db.select().from(auditLog)
      .where(and(eq(auditLog.entity, 'tenant-settings'), eq(auditLog.entityId, String(tenantId))));
    expect(audit).toMatchObject({ before: { quietHours: { start: '22:00', end: '08:00' } }, after: { quietHours: { start: '23:00', end: '07:00' } } });
  });

  it('refuses a bad time and an empty window, changing nothing', async () => {
    const bad = await bot.say('管理员', '免打扰 设置 25:00 07:00');
    expect(bad).toContain('“开始时间”应为一天中的时间');
    expect(await bot.say('管理员', '免打扰 设置 07:00 07:00')).toContain('免打扰 关闭');
    expect(await bot.say('管理员', '免打扰')).toContain('每天 23:00 至次日 07:00');
  });

  it('only admins may see or change it', async () => {
    expect(await bot.say('张三', '免打扰 设置 21:00 09:00')).toContain('仅管理员可用');
    expect(await bot.say('张三', '免打扰 关闭')).toContain('仅管理员可用');
    expect(await bot.say('张三', '帮助')).not.toContain('免打扰');
  });

  it('turned off, a reminder at night goes out at once; another tenant keeps its own window', async () => {
    const other = await addTenant(bot.handle.db, {}, 'feishu', 'other-corp');
    expect(await bot.say('管理员', '免打扰 关闭')).toContain('已关闭免打扰');
    expect(await bot.say('管理员', '免打扰')).toContain('未设置');
    expect(await reminderAt('quiet:off', '2026-12-02T23:30')).toEqual(at('2026-12-02T23:30'));
    const [o] = await bot.handle.db.select().from(tenants).where(eq(tenants.id, other));
    expect(o!.settings).toEqual({});
  });
});
