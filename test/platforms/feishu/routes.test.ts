import { describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../../src/bot/types.ts';
import type { FeishuConfig } from '../../../src/config.ts';
import { memoryLogger } from '../../../src/log.ts';
import { createFeishuRoutes } from '../../../src/platforms/feishu/routes.ts';
import {
  FAKE_BOT_OPEN_ID,
  buildBotAddedEvent,
  buildChallenge,
  buildMessageEvent,
  encryptBody,
  feishuRequest,
  signHeaders,
} from '../../fakes/feishu-server.ts';

const TOKEN = 'verification-token-xyz';
const KEY = 'encrypt-key-abc';

function setup(opts: { encryptKey?: string; botOpenId?: string | undefined; ingestResult?: 'accepted' | 'duplicate'; ingestError?: Error | 'hang' } = {}) {
  const config: FeishuConfig = {
    appId: 'cli_a1b2c3d4e5f60718',
    appSecret: 'app-secret-for-tests',
    verificationToken: TOKEN,
    ...('encryptKey' in opts ? (opts.encryptKey ? { encryptKey: opts.encryptKey } : {}) : { encryptKey: KEY }),
    baseUrl: 'http://127.0.0.1:9',
    mode: 'webhook',
  };
  const ingested: ChatMessage[] = [];
  const ingest = vi.fn(async (m: ChatMessage) => {
    if (opts.ingestError === 'hang') return new Promise<never>(() => {});
    if (opts.ingestError) throw opts.ingestError;
    ingested.push(m);
    return opts.ingestResult ?? ('accepted' as const);
  });
  const onBotAdded = vi.fn(async () => {});
  const onCardAction = vi.fn(async () => ({ kind: 'text' as const, text: 'ok' }));
  const log = memoryLogger('debug');
  const botId = 'botOpenId' in opts ? opts.botOpenId : FAKE_BOT_OPEN_ID;
  const app = createFeishuRoutes({
    config,
    ingest,
    onBotAdded,
    onCardAction,
    log,
    botOpenId: async () => botId,
  });
  const post = (init: RequestInit) => app.request('/feishu/events', init);
  return { app, config, ingest, ingested, onBotAdded, log, post };
}

const userMessage = (over: Partial<Parameters<typeof buildMessageEvent>[0]> = {}) =>
  buildMessageEvent({ token: TOKEN, senderOpenId: 'ou_alice', text: '帮助', ...over });

describe('POST /feishu/events: verification', () => {
  it('answers a plain url_verification challenge', async () => {
    const { post, ingest } = setup({ encryptKey: undefined });
    const res = await post(feishuRequest(buildChallenge(TOKEN, 'ch-1')));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ch-1' });
    expect(ingest).not.toHaveBeenCalled();
  });

  it('answers an encrypted, unsigned url_verification challenge', async () => {
    const { post } = setup();
    const res = await post({ method: 'POST', body: JSON.stringify(encryptBody(buildChallenge(TOKEN, 'ch-2'), KEY)) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ch-2' });
  });

  it('refuses a challenge with the wrong token', async () => {
    const { post } = setup();
    const res = await post(feishuRequest(buildChallenge('not-the-token'), KEY));
    expect(res.status).toBe(401);
  });

  it('accepts a signed, encrypted message and ingests it before answering', async () => {
    const { post, ingested } = setup();
    const res = await post(feishuRequest(userMessage(), KEY));
    expect(res.status).toBe(200);
    expect(ingested).toHaveLength(1);
  });

  it('refuses a bad signature with 401 and no side effect', async () => {
    const { post, ingest, log } = setup();
    const req = feishuRequest(userMessage(), KEY);
    req.headers['X-Lark-Signature'] = 'f'.repeat(64);
    expect((await post(req)).status).toBe(401);
    expect(ingest).not.toHaveBeenCalled();
    expect(log.lines.join('\n')).toContain('bad_signature');
  });

  it('refuses a body signed with another key', async () => {
    const { post, ingest } = setup();
    const body = JSON.stringify(encryptBody(userMessage(), KEY));
    const res = await post({ method: 'POST', body, headers: signHeaders(body, 'other-key') });
    expect(res.status).toBe(401);
    expect(ingest).not.toHaveBeenCalled();
  });

  it('refuses an unsigned event when an Encrypt Key is configured', async () => {
    const { post, ingest } = setup();
    const res = await post({ method: 'POST', body: JSON.stringify(encryptBody(userMessage(), KEY)) });
    expect(res.status).toBe(401);
    expect(ingest).not.toHaveBeenCalled();
  });

  it('refuses a timestamp more than 5 minutes off, either way', async () => {
    const { post, ingest, log } = setup();
    // Whole seconds against a millisecond clock: a margin of a few seconds keeps a slow run off the edge.
    const nowSec = Math.floor(Date.now() / 1000);
    expect((await post(feishuRequest(userMessage(), KEY, { timestamp: nowSec - 303 }))).status).toBe(401);
    expect((await post(feishuRequest(userMessage(), KEY, { timestamp: nowSec + 303 }))).status).toBe(401);
    expect(log.lines.filter((l) => l.includes('stale_timestamp'))).toHaveLength(2);
    expect((await post(feishuRequest(userMessage(), KEY, { timestamp: nowSec - 295 }))).status).toBe(200);
    expect(ingest).toHaveBeenCalledTimes(1);
  });

  it('refuses a wrong Verification Token even with a valid signature', async () => {
    const { post, ingest, log } = setup();
    const res = await post(feishuRequest(userMessage({ token: 'wrong-token' }), KEY));
    expect(res.status).toBe(401);
    expect(ingest).not.toHaveBeenCalled();
    expect(log.lines.join('\n')).toContain('bad_token');
  });

  it('checks the token on plain (unencrypted) events too', async () => {
    const { post, ingest } = setup({ encryptKey: undefined });
    expect((await post(feishuRequest(userMessage({ token: 'wrong' })))).status).toBe(401);
    expect((await post(feishuRequest(userMessage()))).status).toBe(200);
    expect(ingest).toHaveBeenCalledTimes(1);
  });

  it('verifies the signature over the raw bytes: extra whitespace is fine (the SDK would reject it)', async () => {
    const { post, ingested } = setup();
    const body = `{\n  "encrypt" :   ${JSON.stringify(encryptBody(userMessage(), KEY).encrypt)}\n}\n`;
    const res = await post({ method: 'POST', body, headers: signHeaders(body, KEY) });
    expect(res.status).toBe(200);
    expect(ingested).toHaveLength(1);
  });

  it('refuses malformed JSON with 400 and a body over 1 MB with 413', async () => {
    const { post, ingest } = setup({ encryptKey: undefined });
    expect((await post({ method: 'POST', body: '{"schema":' })).status).toBe(400);
    expect((await post({ method: 'POST', body: '[1,2]' })).status).toBe(400);
    const big = JSON.stringify({ ...userMessage(), pad: 'x'.repeat(1024 * 1024) });
    expect((await post({ method: 'POST', body: big, headers: { 'content-length': String(big.length) } })).status).toBe(413);
    expect((await post({ method: 'POST', body: big })).status).toBe(413);
    expect(ingest).not.toHaveBeenCalled();
  });

  it('refuses an encrypted body when no Encrypt Key is configured, and logs why', async () => {
    const { post, ingest, log } = setup({ encryptKey: undefined });
    const res = await post({ method: 'POST', body: JSON.stringify(encryptBody(userMessage(), KEY)) });
    expect(res.status).toBe(400);
    expect(ingest).not.toHaveBeenCalled();
    expect(log.lines.join('\n')).toContain('no_encrypt_key');
  });

  it('never logs the secrets it verifies with', async () => {
    const { post, log } = setup();
    await post(feishuRequest(userMessage({ token: 'wrong' }), KEY));
    await post(feishuRequest(userMessage(), KEY));
    const all = log.lines.join('\n');
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('帮助'); // nor what people wrote
  });
});

describe('POST /feishu/events: messages', () => {
  it('a database that neither answers nor refuses: 503 within the ack deadline, not a late 200', async () => {
    const { post } = setup({ ingestError: 'hang' });
    const request = feishuRequest(userMessage(), KEY);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const pending = Promise.resolve(post(request));
      let settled = false;
      void pending.then(() => { settled = true; });
      await vi.advanceTimersByTimeAsync(2_499);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await pending).status).toBe(503);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a lost database is 503 (come again), a bug is 500', async () => {
    const lost = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect((await setup({ ingestError: lost }).post(feishuRequest(userMessage(), KEY))).status).toBe(503);
    expect((await setup({ ingestError: new TypeError('x is undefined') }).post(feishuRequest(userMessage(), KEY))).status).toBe(500);
  });

  it('turns a p2p text message into a ChatMessage', async () => {
    const { post, ingested } = setup();
    const event = userMessage({ text: '  党费   查询 ', senderUnionId: 'on_alice', tenantKey: 't_1', messageId: 'om_1', chatId: 'oc_p2p' });
    await post(feishuRequest(event, KEY));
    expect(ingested[0]).toMatchObject({
      platform: 'feishu',
      tenantKey: 't_1',
      messageId: 'om_1',
      chat: { id: 'oc_p2p', kind: 'private' },
      sender: { userId: 'ou_alice', unionId: 'on_alice' },
      text: '党费 查询',
      mentions: [],
    });
    expect(ingested[0]?.receivedAt).toBeInstanceOf(Date);
    expect(ingested[0]?.replyHint).toBeUndefined();
  });

  it('ignores a group message that does not @ the bot (ingest not called)', async () => {
    const { post, ingest } = setup();
    const plain = userMessage({ chatType: 'group', text: '大家好' });
    const other = userMessage({ chatType: 'group', text: '@_user_1 你好', mentions: [{ openId: 'ou_bob', name: '李四' }] });
    expect((await post(feishuRequest(plain, KEY))).status).toBe(200);
    expect((await post(feishuRequest(other, KEY))).status).toBe(200);
    expect(ingest).not.toHaveBeenCalled();
  });

  it('maps mentions: the bot removed, others as @Name in order with their open_id', async () => {
    const { post, ingested } = setup();
    const event = userMessage({
      chatType: 'group',
      chatId: 'oc_group',
      text: '@_user_1 谈心 预约 @_user_2 和 @_user_3',
      mentions: [
        { openId: FAKE_BOT_OPEN_ID, name: '党支部助手' },
        { openId: 'ou_bob', name: '李四', unionId: 'on_bob' },
        { openId: 'ou_carol', name: '王五' },
      ],
    });
    expect((await post(feishuRequest(event, KEY))).status).toBe(200);
    expect(ingested[0]).toMatchObject({
      chat: { id: 'oc_group', kind: 'group' },
      text: '谈心 预约 @李四 和 @王五',
      mentions: [
        { userId: 'ou_bob', unionId: 'on_bob', name: '李四' },
        { userId: 'ou_carol', name: '王五' },
      ],
    });
  });

  it('finds the bot mention anywhere, and keys beyond @_user_9', async () => {
    const { post, ingested } = setup();
    const mentions = Array.from({ length: 11 }, (_, i) => ({ openId: `ou_${i}`, name: `人${i}` }));
    mentions[10] = { openId: FAKE_BOT_OPEN_ID, name: '党支部助手' };
    const event = userMessage({ chatType: 'group', text: '@_user_1 提醒 @_user_11', mentions });
    await post(feishuRequest(event, KEY));
    expect(ingested[0]?.text).toBe('@人0 提醒');
    expect(ingested[0]?.mentions.map((m) => m.userId)).toEqual(['ou_0']);
  });

  it('without the bot id, takes a leading mention in a group as the bot', async () => {
    const { post, ingested } = setup({ botOpenId: undefined });
    const event = userMessage({ chatType: 'group', text: '@_user_1 帮助', mentions: [{ openId: 'ou_unknown_bot', name: '助手' }] });
    await post(feishuRequest(event, KEY));
    expect(ingested[0]?.text).toBe('帮助');
    expect(ingested[0]?.mentions).toEqual([]);
  });

  it('reads rich-text (post) messages as text', async () => {
    const { post, ingested } = setup();
    const event = userMessage({
      chatType: 'group',
      messageType: 'post',
      content: { title: '', content: [[{ tag: 'at', user_id: '@_user_1', user_name: '党支部助手' }, { tag: 'text', text: ' 会议 列表' }]] },
      mentions: [{ openId: FAKE_BOT_OPEN_ID, name: '党支部助手' }],
    });
    await post(feishuRequest(event, KEY));
    expect(ingested[0]?.text).toBe('会议 列表');
  });

  it('ignores images, files and stickers politely (200, nothing ingested)', async () => {
    const { post, ingest } = setup();
    const event = userMessage({ messageType: 'image', content: { image_key: 'img_v2_x' } });
    expect((await post(feishuRequest(event, KEY))).status).toBe(200);
    expect(ingest).not.toHaveBeenCalled();
  });

  it('ignores messages sent by apps', async () => {
    const { post, ingest } = setup();
    expect((await post(feishuRequest(userMessage({ senderType: 'app' }), KEY))).status).toBe(200);
    expect(ingest).not.toHaveBeenCalled();
  });

  it('keeps the topic thread as the reply hint', async () => {
    const { post, ingested } = setup();
    await post(feishuRequest(userMessage({ threadId: 'omt_1' }), KEY));
    expect(ingested[0]?.replyHint).toEqual({ threadId: 'omt_1' });
  });

  it('hands the same message delivered three times to ingest three times, answering 200 each time', async () => {
    const { post, ingest } = setup({ ingestResult: 'duplicate' });
    const event = userMessage({ messageId: 'om_same' });
    for (let i = 0; i < 3; i++) {
      // Each delivery is a fresh request (new event_id, IV, nonce) about the same message.
      const again = { ...event, header: { ...event.header, event_id: `ev_${i}` } };
      expect((await post(feishuRequest(again, KEY))).status).toBe(200);
    }
    expect(ingest).toHaveBeenCalledTimes(3);
    expect(ingest.mock.calls.map(([m]) => m.messageId)).toEqual(['om_same', 'om_same', 'om_same']);
  });

  it('answers 500 when ingest fails, so Feishu delivers again', async () => {
    const failing = createFeishuRoutes({
      config: { appId: 'a', appSecret: 's', verificationToken: TOKEN, encryptKey: KEY, baseUrl: 'x', mode: 'webhook' },
      ingest: async () => {
        throw new Error('database down');
      },
      onBotAdded: async () => {},
      onCardAction: async () => ({ kind: 'text', text: '' }),
      log: memoryLogger(),
    });
    expect((await failing.request('/feishu/events', feishuRequest(userMessage(), KEY))).status).toBe(500);
  });
});

describe('POST /feishu/events: other events', () => {
  it('calls onBotAdded when the bot joins a group', async () => {
    const { post, onBotAdded, ingest } = setup();
    const event = buildBotAddedEvent({ token: TOKEN, chatId: 'oc_new', name: '第一党支部', tenantKey: 't_9' });
    const res = await post(feishuRequest(event, KEY));
    expect(res.status).toBe(200);
    expect(onBotAdded).toHaveBeenCalledWith({ tenantKey: 't_9', chatId: 'oc_new', chatName: '第一党支部', eventId: event.header.event_id });
    expect(ingest).not.toHaveBeenCalled();
  });

  it('answers 200 to unknown event types and ignores them', async () => {
    const { post, ingest, onBotAdded } = setup();
    const event = { schema: '2.0', header: { event_id: 'e', event_type: 'im.message.reaction.created_v1', token: TOKEN, tenant_key: 't' }, event: {} };
    expect((await post(feishuRequest(event, KEY))).status).toBe(200);
    expect(ingest).not.toHaveBeenCalled();
    expect(onBotAdded).not.toHaveBeenCalled();
  });
});
