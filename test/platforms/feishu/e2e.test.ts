import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branches, identities, members, tenants } from '../../../db/schema/index.ts';
import {
  FAKE_APP_ID,
  FAKE_APP_SECRET,
  FAKE_BOT_OPEN_ID,
  buildBotAddedEvent,
  buildMessageEvent,
  feishuRequest,
  startFakeFeishu,
  type FakeFeishu,
} from '../../fakes/feishu-server.ts';
import { createTestBot, type TestBot } from '../../helpers/runtime.ts';

const VERIFICATION_TOKEN = 'e2e-verification-token';
const ENCRYPT_KEY = 'e2e-encrypt-key-value';
const TENANT = 'tenant_e2e';
const ALICE = 'ou_e2e_alice';

describe('Feishu end to end (webhook mode, fake Feishu, real SDK)', () => {
  let fake: FakeFeishu;
  let bot: TestBot;

  beforeAll(async () => {
    fake = await startFakeFeishu();
    // Signatures are checked against the runtime's clock, so the bot runs on the wall clock.
    bot = await createTestBot({
      now: new Date(),
      env: {
        FEISHU_APP_ID: FAKE_APP_ID,
        FEISHU_APP_SECRET: FAKE_APP_SECRET,
        FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
        FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
        FEISHU_BASE_URL: fake.baseUrl,
        FEISHU_MODE: 'webhook',
      },
    });
    const db = bot.handle.db;
    const [tenant] = await db.insert(tenants).values({ platform: 'feishu', externalKey: TENANT, name: '测试单位' }).returning();
    const [branch] = await db.insert(branches).values({ tenantId: tenant!.id, name: '第一党支部' }).returning();
    const [member] = await db
      .insert(members)
      .values({ tenantId: tenant!.id, branchId: branch!.id, name: '张三', status: '正式党员' })
      .returning();
    await db.insert(identities).values({ tenantId: tenant!.id, platform: 'feishu', userId: ALICE, memberId: member!.id });
  });
  afterAll(async () => {
    await bot?.close();
    await fake?.close();
  });

  async function deliver(event: ReturnType<typeof buildMessageEvent>, times: number) {
    for (let i = 0; i < times; i++) {
      // Feishu redelivers with a new event_id; the message_id stays.
      const again = { ...event, header: { ...event.header, event_id: `${event.header.event_id}-${i}` } };
      const res = await bot.runtime.app.request('/feishu/events', feishuRequest(again, ENCRYPT_KEY));
      expect(res.status).toBe(200);
    }
    await bot.runtime.deferrer.settle();
    await bot.runtime.processPending();
    await bot.drain();
  }

  it('an encrypted, signed “帮助” @bot in a group, delivered three times, gets exactly one quoted reply in that chat', async () => {
    const event = buildMessageEvent({
      token: VERIFICATION_TOKEN,
      tenantKey: TENANT,
      chatType: 'group',
      chatId: 'oc_e2e_group',
      messageId: 'om_e2e_help_group',
      senderOpenId: ALICE,
      text: '@_user_1 帮助',
      mentions: [{ openId: FAKE_BOT_OPEN_ID, name: '党支部助手' }],
    });
    fake.knowMessage('om_e2e_help_group', 'oc_e2e_group');
    await deliver(event, 3);

    const sent = fake.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ via: 'reply', replyTo: 'om_e2e_help_group', chatId: 'oc_e2e_group' });
    expect(sent[0]?.uuid).toBeTruthy();
    expect(bot.log.lines.join('\n')).not.toContain(FAKE_APP_SECRET);
    expect(bot.log.lines.join('\n')).not.toContain(ENCRYPT_KEY);
  });

  it('the same in a private chat: one message to that user, however often Feishu delivers', async () => {
    const before = fake.sent().length;
    const event = buildMessageEvent({
      token: VERIFICATION_TOKEN,
      tenantKey: TENANT,
      chatType: 'p2p',
      chatId: 'oc_e2e_p2p',
      messageId: 'om_e2e_help_p2p',
      senderOpenId: ALICE,
      text: '帮助',
    });
    await deliver(event, 3);
    const sent = fake.sent().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ via: 'create', receiveIdType: 'open_id', receiveId: ALICE });
    expect(JSON.stringify(sent[0]?.content)).toContain('帮助');
  });

  it('the bot joining a group posts one welcome card there that says how to bind the group, however often Feishu delivers', async () => {
    const before = fake.sent().length;
    const event = buildBotAddedEvent({ token: VERIFICATION_TOKEN, tenantKey: TENANT, chatId: 'oc_e2e_new_group', name: '第一党支部' });
    const deliverJoin = async (e: typeof event) => {
      const res = await bot.runtime.app.request('/feishu/events', feishuRequest(e, ENCRYPT_KEY));
      expect(res.status).toBe(200);
      await bot.runtime.deferrer.settle();
      await bot.drain();
    };
    for (let i = 0; i < 2; i++) await deliverJoin(event); // a redelivery repeats the event id

    const sent = fake.sent().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ via: 'create', receiveIdType: 'chat_id', receiveId: 'oc_e2e_new_group', msgType: 'interactive' });
    const card = JSON.stringify(sent[0]?.content);
    expect(card).toContain('党支部助手已加入本群');
    expect(card).toContain('支部 绑定群');

    // Removed and added again later: a new event, so the group is welcomed again.
    await deliverJoin({ ...event, header: { ...event.header, event_id: `${event.header.event_id}-readded` } });
    expect(fake.sent().slice(before).filter((m) => m.receiveId === 'oc_e2e_new_group')).toHaveLength(2);
  });
});
