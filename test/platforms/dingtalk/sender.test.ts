import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/bot/types.ts';
import type { DingTalkConfig } from '../../../src/config.ts';
import { memoryLogger } from '../../../src/log.ts';
import { createDingTalkClient } from '../../../src/platforms/dingtalk/client.ts';
import { createDingTalkSender } from '../../../src/platforms/dingtalk/sender.ts';
import type { Outbound } from '../../../src/platforms/types.ts';
import { startFakeDingTalk, type FakeDingTalk } from '../../fakes/dingtalk-server.ts';

const APP_KEY = 'dingappkey0001';
const SECRET = 'dt-secret-must-never-be-logged';
const MIN = 60_000;

let fake: FakeDingTalk;
let clock: number;
let config: DingTalkConfig;
let log: ReturnType<typeof memoryLogger>;

beforeEach(async () => {
  fake = await startFakeDingTalk({ appKey: APP_KEY, appSecret: SECRET, robotCode: APP_KEY });
  clock = Date.parse('2026-03-02T09:00:00+08:00');
  config = { appKey: APP_KEY, appSecret: SECRET, robotCode: APP_KEY, apiBase: fake.baseUrl, mode: 'http' };
  log = memoryLogger('debug', [SECRET]);
});
afterEach(async () => {
  // Neither the secret nor any token ever reaches a log line.
  const logs = log.lines.join('\n');
  expect(logs).not.toContain(SECRET);
  expect(logs).not.toMatch(/fake-token-\d/);
  await fake.close();
});

const sender = (extra: { timeoutMs?: number } = {}) =>
  createDingTalkSender({ config, log, now: () => new Date(clock), ...extra });

let rowId = 0;
function toUser(id: string, reply: Reply = { kind: 'text', text: '您有一笔党费待缴' }, inReplyTo?: Outbound['inReplyTo']): Outbound {
  return {
    id: ++rowId,
    recipient: { platform: 'dingtalk', kind: 'user', id, tenantKey: 'dingcorp' },
    reply,
    dedupeKey: `k-${rowId}`,
    ...(inReplyTo ? { inReplyTo } : {}),
  };
}
function toChat(id: string, reply: Reply, inReplyTo?: Outbound['inReplyTo']): Outbound {
  return { ...toUser('x', reply, inReplyTo), recipient: { platform: 'dingtalk', kind: 'chat', id, tenantKey: 'dingcorp' } };
}
const hint = (url: string, expiresAt: number) => ({ sessionWebhook: url, sessionWebhookExpiredTime: expiresAt });
const apiCalls = (path: string) => fake.calls.filter((c) => c.path === path);

describe('DingTalk sender: session webhook', () => {
  it('replies through the session webhook while it is valid, without any token', async () => {
    const item = toChat('cidG==', { kind: 'card', title: '会议通知', buttons: [{ label: '参加', command: '会议 回复 12 参加' }] }, {
      messageId: 'm1',
      chatKind: 'group',
      hint: hint(fake.sessionWebhookUrl('s-valid'), clock + 90 * MIN),
    });
    expect(await sender().send([item])).toEqual([{ ok: true }]);
    expect(fake.sent()).toEqual([
      expect.objectContaining({ via: 'session', session: 's-valid', body: expect.objectContaining({ msgtype: 'markdown' }) }),
    ]);
    const sent = fake.sent()[0];
    const markdown = sent?.via === 'session' ? (sent.body.markdown as { text: string }) : undefined;
    expect(markdown?.text).toContain('回复「会议 回复 12 参加」');
    expect(fake.tokenRequests()).toBe(0);
    expect(fake.calls[0]!.headers['x-acs-dingtalk-access-token']).toBeUndefined();
  });

  it('uses the API when the webhook expires within the 5-minute safety margin', async () => {
    const s = sender();
    const nearlyExpired = toUser('u1', undefined, { messageId: 'm2', chatKind: 'private', hint: hint(fake.sessionWebhookUrl('s-old'), clock + 5 * MIN) });
    const groupExpired = toChat('cidG==', { kind: 'text', text: '好的' }, { messageId: 'm3', chatKind: 'group', hint: hint(fake.sessionWebhookUrl('s-old2'), clock - MIN) });
    expect(await s.send([nearlyExpired, groupExpired])).toEqual([{ ok: true }, { ok: true }]);
    expect(fake.calls.filter((c) => c.path === '/robot/sendBySession')).toEqual([]);
    expect(fake.sent()).toEqual([
      expect.objectContaining({ via: 'group', openConversationId: 'cidG==', robotCode: APP_KEY, msgKey: 'sampleText', msgParam: { content: '好的' } }),
      expect.objectContaining({ via: 'oto', userIds: ['u1'], robotCode: APP_KEY, msgKey: 'sampleText' }),
    ]);
    // One second earlier than the margin, the webhook is still used.
    const stillOk = toUser('u2', undefined, { messageId: 'm4', chatKind: 'private', hint: hint(fake.sessionWebhookUrl('s-ok'), clock + 5 * MIN + 1000) });
    await s.send([stillOk]);
    expect(fake.sent().at(-1)).toMatchObject({ via: 'session', session: 's-ok' });
  });

  it('falls back to the API at once when the webhook answers 300001 (session gone)', async () => {
    const item = toUser('u1', { kind: 'text', text: '已登记' }, {
      messageId: 'm5',
      chatKind: 'private',
      hint: hint(fake.sessionWebhookUrl('s-gone', true), clock + 60 * MIN),
    });
    expect(await sender().send([item])).toEqual([{ ok: true }]);
    expect(fake.calls.map((c) => c.path)).toEqual(['/robot/sendBySession', '/v1.0/oauth2/accessToken', '/v1.0/robot/oToMessages/batchSend']);
    expect(fake.sent()).toEqual([expect.objectContaining({ via: 'oto', userIds: ['u1'], msgParam: { content: '已登记' } })]);
  });

  it('does not post to a session webhook on a host it does not trust', async () => {
    const item = toUser('u1', undefined, { messageId: 'm6', chatKind: 'private', hint: hint('https://evil.example/robot/sendBySession?session=x', clock + 60 * MIN) });
    expect(await sender().send([item])).toEqual([{ ok: true }]);
    expect(fake.sent()).toEqual([expect.objectContaining({ via: 'oto' })]);
  });

  it('a webhook that fails in transport is retryable (it may have been delivered)', async () => {
    fake.failNext('http500', { path: '/robot/sendBySession' });
    const item = toUser('u1', undefined, { messageId: 'm7', chatKind: 'private', hint: hint(fake.sessionWebhookUrl('s'), clock + 60 * MIN) });
    expect(await sender().send([item])).toEqual([{ ok: false, retryable: true, error: expect.stringContaining('HTTP 500') }]);
    expect(fake.tokenRequests()).toBe(0);
  });
});

describe('DingTalk sender: robot API', () => {
  it('sends 45 recipients of the same message as 20 + 20 + 5, one result per row', async () => {
    const ids = Array.from({ length: 45 }, (_, i) => `staff${i + 1}`);
    const items = ids.map((id) => toUser(id));
    const results = await sender().send(items);
    expect(results).toHaveLength(45);
    expect(results.every((r) => r.ok)).toBe(true);
    const batches = apiCalls('/v1.0/robot/oToMessages/batchSend');
    expect(batches.map((c) => (c.body as { userIds: string[] }).userIds.length)).toEqual([20, 20, 5]);
    expect(batches.flatMap((c) => (c.body as { userIds: string[] }).userIds)).toEqual(ids);
    expect(batches.every((c) => typeof (c.body as { msgParam: unknown }).msgParam === 'string')).toBe(true);
    expect(fake.tokenRequests()).toBe(1);
  });

  it('rows with different content go in different calls', async () => {
    const results = await sender().send([
      toUser('a', { kind: 'text', text: '一' }),
      toUser('b', { kind: 'text', text: '二' }),
      toUser('c', { kind: 'text', text: '一' }),
    ]);
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(apiCalls('/v1.0/robot/oToMessages/batchSend').map((c) => (c.body as { userIds: string[] }).userIds)).toEqual([['a', 'c'], ['b']]);
  });

  it('reports flow-controlled ids as retryable and invalid ids as not retryable', async () => {
    fake.flowControlNext(['s2']);
    fake.markInvalid(['gone']);
    const results = await sender().send([toUser('s1'), toUser('s2'), toUser('gone'), toUser('s3')]);
    expect(results).toEqual([
      { ok: true },
      { ok: false, retryable: true, error: expect.stringContaining('flow-controlled') },
      { ok: false, retryable: false, error: expect.stringContaining('invalid') },
      { ok: true },
    ]);
    expect(fake.sent()).toEqual([expect.objectContaining({ via: 'oto', userIds: ['s1', 's3'] })]);
    // The outbox retries the throttled row later; it then goes through.
    expect(await sender().send([toUser('s2')])).toEqual([{ ok: true }]);
  });

  it('treats 429, 5xx, connection resets and timeouts as retryable', async () => {
    fake.failNext('http429', { path: '/v1.0/robot/oToMessages/batchSend' });
    const s = sender({ timeoutMs: 300 });
    expect(await s.send([toUser('a')])).toEqual([{ ok: false, retryable: true, error: expect.stringContaining('429'), retryAfterMs: 2000 }]);
    fake.failNext('http500', { path: '/v1.0/robot/groupMessages/send' });
    expect(await s.send([toChat('cid', { kind: 'text', text: 'x' })])).toEqual([{ ok: false, retryable: true, error: expect.stringContaining('500') }]);
    fake.failNext('reset', { path: '/v1.0/robot/oToMessages/batchSend' });
    expect(await s.send([toUser('a')])).toEqual([{ ok: false, retryable: true, error: expect.stringContaining('network') }]);
    fake.failNext('timeout', { path: '/v1.0/robot/oToMessages/batchSend' });
    expect(await s.send([toUser('a')])).toEqual([{ ok: false, retryable: true, error: expect.stringContaining('timed out') }]);
  });

  it('a rejected request (400) is not retryable', async () => {
    const bad = createDingTalkSender({ config: { ...config, robotCode: 'wrong' }, log, now: () => new Date(clock) });
    expect(await bad.send([toChat('cid', { kind: 'text', text: 'x' })])).toEqual([{ ok: false, retryable: false, error: expect.stringContaining('400') }]);
  });

  it('refuses rows for another platform', async () => {
    const row = toUser('a');
    row.recipient = { ...row.recipient, platform: 'feishu' };
    expect(await sender().send([row])).toEqual([{ ok: false, retryable: false, error: expect.any(String) }]);
    expect(fake.calls).toEqual([]);
  });
});

describe('DingTalk access token', () => {
  it('is cached, shared by concurrent callers, and refreshed 5 minutes before its 2-hour expiry', async () => {
    const client = createDingTalkClient({ config, log, now: () => clock });
    const [a, b, c] = await Promise.all([client.accessToken(), client.accessToken(), client.accessToken()]);
    expect(new Set([a, b, c]).size).toBe(1);
    expect(fake.tokenRequests()).toBe(1);
    expect(fake.calls[0]!.body).toEqual({ appKey: APP_KEY, appSecret: SECRET });

    clock += 114 * MIN; // 6 minutes before expiry: still cached
    expect(await client.accessToken()).toBe(a);
    expect(fake.tokenRequests()).toBe(1);

    clock += 2 * MIN; // 4 minutes before expiry: refreshed
    const fresh = await client.accessToken();
    expect(fresh).not.toBe(a);
    expect(fake.tokenRequests()).toBe(2);
  });

  it('is fetched again, once, when the API rejects it', async () => {
    const s = sender();
    await s.send([toUser('a')]);
    fake.revokeTokens();
    expect(await s.send([toUser('b')])).toEqual([{ ok: true }]);
    expect(fake.tokenRequests()).toBe(2);
  });

  it('a token failure leaves the rows retryable and logs no secret', async () => {
    const s = createDingTalkSender({ config: { ...config, appSecret: 'wrong-secret-value' }, log, now: () => new Date(clock) });
    expect(await s.send([toUser('a'), toChat('cid', { kind: 'text', text: 'x' })])).toEqual([
      { ok: false, retryable: true, error: expect.stringContaining('accessToken') },
      { ok: false, retryable: true, error: expect.stringContaining('accessToken') },
    ]);
    expect(log.lines.join('\n')).not.toContain('wrong-secret-value');
  });
});
