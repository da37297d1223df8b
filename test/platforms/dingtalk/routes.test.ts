import { describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../../src/bot/types.ts';
import type { DingTalkConfig } from '../../../src/config.ts';
import { memoryLogger } from '../../../src/log.ts';
import type { NotifyItem } from '../../../src/platforms/dingtalk/decode.ts';
import { createDingTalkRoutes } from '../../../src/platforms/dingtalk/routes.ts';
import { buildRobotCallback, signDingTalk, signedHeaders } from '../../fakes/dingtalk-server.ts';

const SECRET = 'dt-app-secret-0123456789';
const config: DingTalkConfig = { appKey: 'dingappkey', appSecret: SECRET, robotCode: 'dingappkey', apiBase: 'http://127.0.0.1:1', mode: 'http' };
const NOW = Date.parse('2026-03-02T09:30:00+08:00');

function setup(opts: { failIngest?: boolean; hangIngest?: boolean } = {}) {
  const seen = new Set<string>();
  const ingested: ChatMessage[] = [];
  const ingestCalls: string[] = [];
  const notified: NotifyItem[] = [];
  const log = memoryLogger('debug', [SECRET]);
  const app = createDingTalkRoutes({
    config,
    log,
    now: () => new Date(NOW),
    ingest: async (msg) => {
      ingestCalls.push(msg.messageId);
      if (opts.failIngest) throw new Error('database is down');
      if (opts.hangIngest) return new Promise<never>(() => {});
      if (seen.has(msg.messageId)) return 'duplicate';
      seen.add(msg.messageId);
      ingested.push(msg);
      return 'accepted';
    },
    notify: async (item) => {
      notified.push(item);
    },
  });
  const post = (body: string, headers: Record<string, string>) =>
    app.request('/dingtalk/events', { method: 'POST', headers, body });
  return { app, post, ingested, ingestCalls, notified, log };
}

describe('POST /dingtalk/events', () => {
  it('a database that neither answers nor refuses: 503 within the ack deadline, not a late 200', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const t = setup({ hangIngest: true });
      const body = JSON.stringify(buildRobotCallback({ msgId: 'msg-hang', createAt: NOW }));
      const pending = Promise.resolve(t.post(body, signedHeaders(SECRET, NOW)));
      await vi.advanceTimersByTimeAsync(2_499);
      let settled = false;
      void pending.then(() => { settled = true; });
      await Promise.resolve();
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await pending).status).toBe(503);
    } finally {
      vi.useRealTimers();
    }
  });

  it('verifies, ingests and answers 200', async () => {
    const t = setup();
    const body = buildRobotCallback({ msgId: 'msg-a', text: ' 帮助', createAt: NOW });
    const res = await t.post(JSON.stringify(body), signedHeaders(SECRET, NOW - 1000));
    expect(res.status).toBe(200);
    expect(t.ingested).toHaveLength(1);
    expect(t.ingested[0]).toMatchObject({ platform: 'dingtalk', messageId: 'msg-a', text: '帮助', sender: { userId: 'user123' } });
    expect(t.log.lines.join('\n')).not.toContain(SECRET);
  });

  it('a replayed msgId reaches ingest, which reports a duplicate: still 200, stored once', async () => {
    const t = setup();
    const body = JSON.stringify(buildRobotCallback({ msgId: 'msg-dup' }));
    const first = await t.post(body, signedHeaders(SECRET, NOW));
    const again = await t.post(body, signedHeaders(SECRET, NOW + 500));
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(t.ingestCalls).toEqual(['msg-dup', 'msg-dup']);
    expect(t.ingested).toHaveLength(1);
    expect(await again.json()).toMatchObject({ outcome: 'duplicate' });
  });

  it('rejects a bad, missing or stale signature with 401 and no side effect', async () => {
    const t = setup();
    const body = JSON.stringify(buildRobotCallback());
    const good = signedHeaders(SECRET, NOW);
    const cases: Record<string, string>[] = [
      { ...good, sign: signDingTalk(good.timestamp!, 'not-the-secret') },
      { 'content-type': 'application/json', sign: good.sign! },
      { 'content-type': 'application/json', timestamp: good.timestamp! },
      { 'content-type': 'application/json' },
      signedHeaders(SECRET, NOW - 3_600_000 - 1), // 1 h + 1 ms old
      signedHeaders(SECRET, NOW + 3_600_000 + 1), // 1 h + 1 ms ahead
    ];
    for (const headers of cases) {
      const res = await t.post(body, headers);
      expect(res.status).toBe(401);
    }
    expect(t.ingestCalls).toEqual([]);
    expect(t.notified).toEqual([]);
    // Exactly at the edge of the window it is still accepted.
    expect((await t.post(body, signedHeaders(SECRET, NOW - 3_600_000))).status).toBe(200);
  });

  it('checks the signature before the body: an unsigned huge body is 401, a signed one 413', async () => {
    const t = setup();
    const huge = JSON.stringify({ ...buildRobotCallback(), pad: 'x'.repeat(1024 * 1024) });
    expect((await t.post(huge, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await t.post(huge, signedHeaders(SECRET, NOW))).status).toBe(413);
    expect(t.ingestCalls).toEqual([]);
  });

  it('answers malformed JSON with 400', async () => {
    const t = setup();
    const res = await t.post('{"msgId": ', signedHeaders(SECRET, NOW));
    expect(res.status).toBe(400);
    expect(t.ingestCalls).toEqual([]);
  });

  it('refuses a sender outside the organisation through notify, without ingesting', async () => {
    const t = setup();
    const body = buildRobotCallback({ msgId: 'msg-out', conversationType: '2', senderStaffId: null });
    const res = await t.post(JSON.stringify(body), signedHeaders(SECRET, NOW));
    expect(res.status).toBe(200);
    expect(t.ingestCalls).toEqual([]);
    expect(t.notified).toHaveLength(1);
    expect(t.notified[0]).toMatchObject({
      reply: { kind: 'text', text: expect.stringContaining('仅本单位通讯录内的人员可以使用党支部助手') },
      dedupeKey: 'dingtalk:refuse:msg-out',
      inReplyTo: { messageId: 'msg-out', chatKind: 'group', hint: { sessionWebhook: body.sessionWebhook } },
    });
  });

  it('answers 503 when the core cannot record the message', async () => {
    const t = setup({ failIngest: true });
    const res = await t.post(JSON.stringify(buildRobotCallback()), signedHeaders(SECRET, NOW));
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain('database');
  });

  it('a valid JSON body that is not a robot message is refused with 400', async () => {
    const t = setup();
    const res = await t.post(JSON.stringify({ hello: 'world' }), signedHeaders(SECRET, NOW));
    expect(res.status).toBe(400);
    expect(t.ingestCalls).toEqual([]);
  });
});
