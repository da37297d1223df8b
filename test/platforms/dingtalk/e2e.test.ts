import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import { branches, identities, members, outbox, tenants } from '../../../db/schema/index.ts';
import { enqueue } from '../../../src/notify/outbox.ts';
import { buildRobotCallback, signedHeaders, startFakeDingTalk, type FakeDingTalk } from '../../fakes/dingtalk-server.ts';
import { createTestBot, type TestBot } from '../../helpers/runtime.ts';

const APP_KEY = 'dinge2eappkey';
const SECRET = 'e2e-dingtalk-secret-value';
const CORP = 'dinge2ecorp';
const STAFF = 'zhangsan01';

describe('DingTalk end to end (HTTP mode, fake DingTalk)', () => {
  let fake: FakeDingTalk;
  let bot: TestBot;

  beforeAll(async () => {
    fake = await startFakeDingTalk({ appKey: APP_KEY, appSecret: SECRET, robotCode: APP_KEY });
    // The DingTalk sender reads the wall clock for the webhook expiry, so the bot runs on it too.
    bot = await createTestBot({
      now: new Date(),
      env: {
        DINGTALK_APP_KEY: APP_KEY,
        DINGTALK_APP_SECRET: SECRET,
        DINGTALK_API_BASE: fake.baseUrl,
        DINGTALK_MODE: 'http',
      },
    });
    const db = bot.handle.db;
    const [tenant] = await db.insert(tenants).values({ platform: 'dingtalk', externalKey: CORP, name: '测试单位' }).returning();
    const [branch] = await db.insert(branches).values({ tenantId: tenant!.id, name: '第一党支部' }).returning();
    const [member] = await db
      .insert(members)
      .values({ tenantId: tenant!.id, branchId: branch!.id, name: '张三', status: '正式党员' })
      .returning();
    await db.insert(identities).values({ tenantId: tenant!.id, platform: 'dingtalk', userId: STAFF, memberId: member!.id });
  });
  afterAll(async () => {
    await bot?.close();
    await fake?.close();
  });

  it('a signed group callback “帮助” from a bound member leads to exactly one POST to its sessionWebhook', async () => {
    const now = bot.now().getTime();
    const body = buildRobotCallback({
      msgId: 'e2e-msg-1',
      conversationType: '2',
      conversationId: 'cidE2EGroup==',
      corpId: CORP,
      senderStaffId: STAFF,
      senderNick: '张三',
      text: ' 帮助',
      createAt: now,
      sessionWebhook: fake.sessionWebhookUrl('e2e-session'),
      sessionWebhookExpiredTime: now + 90 * 60_000,
    });
    const res = await bot.runtime.app.request('/dingtalk/events', {
      method: 'POST',
      headers: signedHeaders(SECRET, now),
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);

    await bot.runtime.deferrer.settle();
    await bot.runtime.processPending();
    await bot.drain();

    const webhookPosts = fake.calls.filter((c) => c.path === '/robot/sendBySession');
    expect(webhookPosts).toHaveLength(1);
    expect(webhookPosts[0]!.query.session).toBe('e2e-session');
    expect(JSON.stringify(webhookPosts[0]!.body)).toContain('我的信息');
    // Nothing else went out: no token, no robot API call.
    expect(fake.calls).toHaveLength(1);
    expect(bot.log.lines.join('\n')).not.toContain(SECRET);
  });

  it('a flow-controlled recipient is retried later through the outbox and gets the message once', async () => {
    // A weekday morning, so no quiet hours hold the reminders; the outbox and the sender share this clock.
    const t0 = new Date('2026-12-02T10:00:00+08:00');
    bot.setNow(t0);
    const before = fake.sent().length;
    const ids = ['flow_a', 'flow_b', 'flow_c'];
    for (const id of ids) {
      await enqueue(bot.handle.db, {
        recipient: { platform: 'dingtalk', kind: 'user', id, tenantKey: CORP },
        reply: { kind: 'text', text: '请于本周五前完成“三会一课”学习记录。' },
        dedupeKey: `e2e-flow:${id}`,
        kind: 'reminder',
      }, { now: t0, tz: 'Asia/Shanghai', quietHours: null });
    }
    fake.flowControlNext(['flow_b']);

    await bot.drain();
    expect(fake.sent().slice(before)).toEqual([expect.objectContaining({ via: 'oto', userIds: ['flow_a', 'flow_c'] })]);
    const rows = () => bot.handle.db.select().from(outbox).where(inArray(outbox.dedupeKey, ids.map((id) => `e2e-flow:${id}`)));
    const waiting = (await rows()).find((r) => r.dedupeKey === 'e2e-flow:flow_b');
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('flow-controlled') });
    expect(waiting!.notBefore.getTime()).toBeGreaterThan(t0.getTime());

    // Not due yet: nothing goes out. Once its retry time has come, only the throttled id is sent.
    await bot.drain();
    expect(fake.sent().slice(before)).toHaveLength(1);
    bot.setNow(new Date(waiting!.notBefore.getTime() + 1000));
    await bot.drain();
    expect(fake.sent().slice(before)).toEqual([
      expect.objectContaining({ via: 'oto', userIds: ['flow_a', 'flow_c'] }),
      expect.objectContaining({ via: 'oto', userIds: ['flow_b'] }),
    ]);
    expect((await rows()).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });
});
