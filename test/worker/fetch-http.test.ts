// The fetch-based HttpInstance the Worker gives the Lark SDK, exercised through the real Feishu sender
// against the fake Feishu server: the sender must behave exactly as it does on the SDK's axios instance.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/bot/types.ts';
import type { FeishuConfig } from '../../src/config.ts';
import { memoryLogger } from '../../src/log.ts';
import { fetchHttpInstance, FetchHttpError, type FetchFn } from '../../src/platforms/feishu/fetch-http.ts';
import { createFeishuSender } from '../../src/platforms/feishu/sender.ts';
import type { Outbound } from '../../src/platforms/types.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET, FAKE_BOT_OPEN_ID, startFakeFeishu, type FakeFeishu } from '../fakes/feishu-server.ts';

let fake: FakeFeishu;
beforeEach(async () => {
  fake = await startFakeFeishu();
});
afterEach(async () => {
  await fake.close();
});

function sender(over: Partial<FeishuConfig> = {}, opts: { fetch?: FetchFn; timeoutMs?: number } = {}) {
  const config: FeishuConfig = {
    appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, verificationToken: 'vt', baseUrl: fake.baseUrl, mode: 'webhook', ...over,
  };
  const log = memoryLogger('debug');
  const httpInstance = fetchHttpInstance(opts.fetch ? { fetch: opts.fetch } : {});
  return { s: createFeishuSender({ config, log, serverKey: 'k', httpInstance, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) }), log };
}

let row = 0;
const text = (t: string): Reply => ({ kind: 'text', text: t });
const toUser = (t: string, id = 'ou_alice'): Outbound =>
  ({ id: ++row, recipient: { platform: 'feishu', kind: 'user', id, tenantKey: 't' }, reply: text(t), dedupeKey: `fh:${row}` });
const toChat = (t: string): Outbound =>
  ({ id: ++row, recipient: { platform: 'feishu', kind: 'chat', id: 'oc_g', tenantKey: 't' }, reply: text(t), dedupeKey: `fh:${row}` });

describe('fetch-based HttpInstance for the Lark SDK', () => {
  it('sends through the SDK: token request, bearer header, query string from the SDK serializer, parsed body', async () => {
    const { s } = sender();
    expect(await s.send([toUser('你好')])).toEqual([{ ok: true }]);
    const [token, send] = fake.calls;
    expect(token).toMatchObject({ method: 'POST', path: '/open-apis/auth/v3/tenant_access_token/internal', body: { app_id: FAKE_APP_ID } });
    expect(send).toMatchObject({ method: 'POST', path: '/open-apis/im/v1/messages?receive_id_type=open_id' });
    expect(send?.headers.authorization).toMatch(/^Bearer t-fake-/);
    expect(send?.headers['content-type']).toMatch(/^application\/json/);
    expect(fake.sent()[0]).toMatchObject({ receiveId: 'ou_alice', content: { text: '你好' } });
  });

  it('GET through sdk.request resolves to the body (bot info)', async () => {
    const { s } = sender();
    expect(await s.botOpenId()).toBe(FAKE_BOT_OPEN_ID);
    expect(fake.calls.at(-1)).toMatchObject({ method: 'GET', path: '/open-apis/bot/v3/info', body: undefined });
  });

  it('rejects non-2xx like axios, so 429 keeps its reset header and codes are classified', async () => {
    const { s } = sender();
    fake.failNext('429', 1, { resetSeconds: 4 });
    fake.failNext('230002');
    fake.failNext('500');
    const [a, b, c] = await s.send([toChat('1'), toChat('2'), toChat('3')]);
    expect(a).toMatchObject({ ok: false, retryable: true, retryAfterMs: 4000 });
    expect(b).toMatchObject({ ok: false, retryable: false });
    expect((b as { error: string }).error).toContain('230002');
    expect(c).toMatchObject({ ok: false, retryable: true });
  });

  it('on 99991663 in an error response drops the token, fetches another and succeeds', async () => {
    const { s } = sender();
    expect(await s.send([toUser('一')])).toEqual([{ ok: true }]);
    fake.failNext('token-expired');
    expect(await s.send([toUser('二')])).toEqual([{ ok: true }]);
    expect(fake.tokenRequests()).toBe(2);
    expect(fake.sent()).toHaveLength(2);
  });

  it('an unreachable server and a timeout are retryable', async () => {
    const down = sender({ baseUrl: 'http://127.0.0.1:1' });
    expect((await down.s.send([toUser('x')]))[0]).toMatchObject({ ok: false, retryable: true });
    const hang: FetchFn = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const slow = sender({}, { fetch: hang, timeoutMs: 50 });
    expect((await slow.s.send([toUser('x')]))[0]).toMatchObject({ ok: false, retryable: true });
    const err = await fetchHttpInstance({ fetch: hang }).request({ url: fake.baseUrl, timeout: 50 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'FetchHttpError', code: 'ETIMEDOUT' });
  });

  it('a refused token request logs nothing containing the app secret', async () => {
    const secret = 'wrong-app-secret-7d1e0b';
    const { s, log } = sender({ appSecret: secret });
    const [r] = await s.send([toUser('x')]);
    expect(r).toMatchObject({ ok: false, retryable: false });
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(log.lines.join('\n')).not.toContain(secret);
  });

  it('error objects carry the response, never the request', async () => {
    const http = fetchHttpInstance();
    const err = await http.request({
      url: `${fake.baseUrl}/open-apis/bot/v3/info`, method: 'GET', headers: { Authorization: 'Bearer secret-token-abc' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchHttpError);
    expect((err as FetchHttpError).response).toMatchObject({ status: 400, data: { code: 99991663 } });
    expect(JSON.stringify(err)).not.toContain('secret-token-abc');
  });

  it('$return_headers resolves to { data, headers }', async () => {
    const http = fetchHttpInstance();
    const res = await http.request({
      url: `${fake.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, method: 'POST',
      data: { app_id: FAKE_APP_ID, app_secret: FAKE_APP_SECRET }, $return_headers: true,
    }) as { data: { code: number }; headers: Record<string, string> };
    expect(res.data.code).toBe(0);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});
