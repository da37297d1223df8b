import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAction } from '../../../src/bot/action-token.ts';
import type { Recipient, Reply } from '../../../src/bot/types.ts';
import type { FeishuConfig } from '../../../src/config.ts';
import { memoryLogger } from '../../../src/log.ts';
import { createFeishuSender, feishuUuid } from '../../../src/platforms/feishu/sender.ts';
import type { Outbound } from '../../../src/platforms/types.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET, FAKE_BOT_OPEN_ID, startFakeFeishu, type FakeFeishu } from '../../fakes/feishu-server.ts';

const SERVER_KEY = 'server-key-sender';
let fake: FakeFeishu;

beforeEach(async () => {
  fake = await startFakeFeishu();
});
afterEach(async () => {
  await fake.close();
});

function sender(over: Partial<FeishuConfig> = {}) {
  const config: FeishuConfig = {
    appId: FAKE_APP_ID,
    appSecret: FAKE_APP_SECRET,
    verificationToken: 'vt',
    baseUrl: fake.baseUrl,
    mode: 'webhook',
    ...over,
  };
  const log = memoryLogger('debug');
  return { s: createFeishuSender({ config, log, serverKey: SERVER_KEY }), log };
}

let row = 0;
const user = (id = 'ou_alice'): Recipient => ({ platform: 'feishu', kind: 'user', id, tenantKey: 't' });
const chat = (id = 'oc_group'): Recipient => ({ platform: 'feishu', kind: 'chat', id, tenantKey: 't' });
const item = (recipient: Recipient, reply: Reply, extra: Partial<Outbound> = {}): Outbound => ({
  id: ++row,
  recipient,
  reply,
  dedupeKey: `test:${row}`,
  ...extra,
});
const text = (t: string): Reply => ({ kind: 'text', text: t });
const sends = () => fake.calls.filter((c) => c.path.startsWith('/open-apis/im/v1/messages'));

describe('Feishu sender (real SDK against the fake server)', () => {
  it('sends text to a user by open_id, with a bearer token and a uuid', async () => {
    const { s } = sender();
    const it1 = item(user(), text('应交党费 32.50 元/月'));
    expect(await s.send([it1])).toEqual([{ ok: true }]);
    const [m] = fake.sent();
    expect(m).toMatchObject({ via: 'create', receiveIdType: 'open_id', receiveId: 'ou_alice', msgType: 'text', content: { text: '应交党费 32.50 元/月' } });
    expect(m?.uuid).toBe(feishuUuid(it1.dedupeKey));
    expect(m?.uuid?.length).toBeLessThanOrEqual(50);
    expect(sends()[0]?.headers.authorization).toMatch(/^Bearer t-fake-/);
  });

  it('sends a card to a chat by chat_id, buttons signed for that chat', async () => {
    const { s } = sender();
    const card: Reply = { kind: 'card', title: '本周支部小结', tone: 'info', text: '会议 2 次', buttons: [{ label: '查看', command: '汇总 本周' }] };
    expect(await s.send([item(chat(), card)])).toEqual([{ ok: true }]);
    const [m] = fake.sent();
    expect(m).toMatchObject({ via: 'create', receiveIdType: 'chat_id', receiveId: 'oc_group', msgType: 'interactive' });
    const content = m?.content as Record<string, any>;
    expect(content.schema).toBe('2.0');
    const button = content.body.elements.at(-1).columns[0].elements[0];
    expect(verifyAction(button.behaviors[0].value.a, SERVER_KEY, new Date())).toMatchObject({ command: '汇总 本周', chatId: 'oc_group' });
  });

  it('quotes the question when answering in a group, and not in a private chat', async () => {
    const { s } = sender();
    const inGroup = item(chat(), text('已记录'), { inReplyTo: { messageId: 'om_question', chatKind: 'group' } });
    const inThread = item(chat(), text('好的'), { inReplyTo: { messageId: 'om_t', chatKind: 'group', hint: { threadId: 'omt_1' } } });
    const private1 = item(user(), text('已记录'), { inReplyTo: { messageId: 'om_p2p', chatKind: 'private' } });
    expect(await s.send([inGroup, inThread, private1])).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    const [a, b, c] = fake.sent();
    expect(a).toMatchObject({ via: 'reply', replyTo: 'om_question', msgType: 'text' });
    expect(a?.uuid).toBe(feishuUuid(inGroup.dedupeKey));
    expect(b).toMatchObject({ via: 'reply', replyTo: 'om_t', replyInThread: true });
    expect(c).toMatchObject({ via: 'create', receiveIdType: 'open_id', receiveId: 'ou_alice' });
    expect(sends()[0]?.path).toBe('/open-apis/im/v1/messages/om_question/reply');
  });

  it('maps 429 to retryable with retryAfterMs from x-ogw-ratelimit-reset, then succeeds', async () => {
    const { s } = sender();
    fake.failNext('429', 1, { resetSeconds: 3 });
    const it1 = item(chat(), text('提醒'));
    const [first] = await s.send([it1]);
    expect(first).toMatchObject({ ok: false, retryable: true, retryAfterMs: 3000 });
    expect(await s.send([it1])).toEqual([{ ok: true }]);
    expect(fake.sent()).toHaveLength(1);
  });

  it('maps 230020 and 5xx to retryable, 230002 to permanent', async () => {
    const { s } = sender();
    fake.failNext('230020');
    fake.failNext('500');
    fake.failNext('230002');
    const [a, b, c] = await s.send([item(chat(), text('1')), item(chat(), text('2')), item(chat(), text('3'))]);
    expect(a).toMatchObject({ ok: false, retryable: true });
    expect(b).toMatchObject({ ok: false, retryable: true });
    expect(c).toMatchObject({ ok: false, retryable: false });
    expect((c as { error: string }).error).toContain('230002');
  });

  it('treats an unreachable server as retryable', async () => {
    const { s } = sender({ baseUrl: 'http://127.0.0.1:1' });
    const [r] = await s.send([item(user(), text('x'))]);
    expect(r).toMatchObject({ ok: false, retryable: true });
  });

  it('on 99991663 drops the token, fetches a new one once and succeeds', async () => {
    const { s } = sender();
    expect(await s.send([item(user(), text('一'))])).toEqual([{ ok: true }]);
    const before = sends()[0]?.headers.authorization;
    fake.failNext('token-expired');
    expect(await s.send([item(user(), text('二'))])).toEqual([{ ok: true }]);
    expect(fake.tokenRequests()).toBe(2);
    expect(fake.sent().map((m) => (m.content as { text: string }).text)).toEqual(['一', '二']);
    expect(sends().at(-1)?.headers.authorization).not.toBe(before);
  });

  it('fetches the token once for concurrent first sends, and reuses it', async () => {
    const { s } = sender();
    const results = await Promise.all([1, 2, 3, 4].map((n) => s.send([item(user(`ou_${n}`), text(String(n)))])));
    expect(results.flat()).toEqual([{ ok: true }, { ok: true }, { ok: true }, { ok: true }]);
    await s.send([item(user(), text('later'))]);
    expect(fake.tokenRequests()).toBe(1);
  });

  it('a retried row (same dedupe key) shows once: Feishu dedupes on uuid', async () => {
    const { s } = sender();
    const it1 = item(user(), text('只发一次'));
    expect(await s.send([it1])).toEqual([{ ok: true }]);
    expect(await s.send([{ ...it1 }])).toEqual([{ ok: true }]);
    expect(sends()).toHaveLength(2);
    expect(fake.sent()).toHaveLength(1);
  });

  it('is held to the per-chat rate limit of the fake (5/s) and told when to retry', async () => {
    const { s } = sender();
    const results = await s.send([1, 2, 3, 4, 5, 6].map((n) => item(chat('oc_busy'), text(String(n)))));
    expect(results.slice(0, 5)).toEqual(Array(5).fill({ ok: true }));
    expect(results[5]).toMatchObject({ ok: false, retryable: true });
    expect((results[5] as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThanOrEqual(1000);
  });

  it('a failing token fetch logs nothing that contains the app secret', async () => {
    const secret = 'wrong-app-secret-4f9a2c';
    const { s, log } = sender({ appSecret: secret });
    const [r] = await s.send([item(user(), text('x'))]);
    expect(r).toMatchObject({ ok: false, retryable: false });
    expect((r as { error: string }).error).not.toContain(secret);
    // The SDK did log the failed request (its body holds app_secret) — scrubbed.
    expect(fake.calls[0]?.body).toMatchObject({ app_secret: secret });
    expect(log.lines.some((l) => l.includes('lark sdk'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(secret);
  });

  it('knows its own open_id, asking once', async () => {
    const { s } = sender();
    expect(await s.botOpenId()).toBe(FAKE_BOT_OPEN_ID);
    expect(await s.botOpenId()).toBe(FAKE_BOT_OPEN_ID);
    expect(fake.calls.filter((c) => c.path === '/open-apis/bot/v3/info')).toHaveLength(1);
  });

  it('refuses non-Feishu recipients and sends nothing after close()', async () => {
    const { s } = sender();
    const [r] = await s.send([item({ platform: 'dingtalk', kind: 'user', id: 'x', tenantKey: 't' }, text('x'))]);
    expect(r).toMatchObject({ ok: false, retryable: false });
    s.close();
    const [r2] = await s.send([item(user(), text('x'))]);
    expect(r2).toMatchObject({ ok: false, retryable: true });
    expect(fake.sent()).toHaveLength(0);
  });
});
