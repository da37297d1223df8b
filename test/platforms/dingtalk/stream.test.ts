import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../../src/bot/types.ts';
import type { DingTalkConfig } from '../../../src/config.ts';
import { memoryLogger } from '../../../src/log.ts';
import type { NotifyItem } from '../../../src/platforms/dingtalk/decode.ts';
import { backoffDelay, startDingTalkStream, TOPIC_ROBOT, type DingTalkStream } from '../../../src/platforms/dingtalk/stream.ts';
import { buildRobotCallback } from '../../fakes/dingtalk-server.ts';
import { startFakeStreamGateway, type FakeStreamGateway } from '../../fakes/dingtalk-stream-gateway.ts';

const APP_KEY = 'dingstreamkey';
const SECRET = 'stream-secret-never-logged';
const config: DingTalkConfig = { appKey: APP_KEY, appSecret: SECRET, robotCode: APP_KEY, apiBase: 'http://127.0.0.1:1', mode: 'stream' };
const BASE = 100;

let gw: FakeStreamGateway;
let stream: DingTalkStream | undefined;
let log: ReturnType<typeof memoryLogger>;

beforeEach(async () => {
  // The SDK writes "connect success" / "Disconnecting." with console.info; keep test output clean.
  vi.spyOn(console, 'info').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  gw = await startFakeStreamGateway({ clientId: APP_KEY, clientSecret: SECRET });
  log = memoryLogger('debug', [SECRET]);
});
afterEach(async () => {
  await stream?.close();
  stream = undefined;
  await gw.close();
  vi.restoreAllMocks();
  expect(log.lines.join('\n')).not.toContain(SECRET);
});

/** A fake durable core: dedupes on messageId; `gate` can hold an ingest open. */
function core() {
  const seen = new Set<string>();
  const ingested: ChatMessage[] = [];
  const calls: string[] = [];
  const notified: NotifyItem[] = [];
  const gates = new Map<string, Promise<void>>();
  let failNext = 0;
  return {
    ingested,
    calls,
    notified,
    hold(msgId: string) {
      let release!: () => void;
      gates.set(msgId, new Promise<void>((r) => (release = r)));
      return () => {
        gates.delete(msgId);
        release();
      };
    },
    failOnce() {
      failNext++;
    },
    ingest: async (msg: ChatMessage): Promise<'accepted' | 'duplicate'> => {
      calls.push(msg.messageId);
      await gates.get(msg.messageId);
      if (failNext > 0) {
        failNext--;
        throw new Error('inbox insert failed');
      }
      if (seen.has(msg.messageId)) return 'duplicate';
      seen.add(msg.messageId);
      ingested.push(msg);
      return 'accepted';
    },
    notify: async (item: NotifyItem) => {
      notified.push(item);
    },
  };
}

function start(c: ReturnType<typeof core>, extra: { heartbeatMs?: number; connectTimeoutMs?: number } = {}) {
  stream = startDingTalkStream({
    config,
    ingest: c.ingest,
    notify: c.notify,
    log,
    gatewayUrl: gw.gatewayUrl,
    backoff: { baseMs: BASE, capMs: 2000, random: () => 0 },
    ...extra,
  });
  return stream;
}

describe('backoffDelay', () => {
  it('grows exponentially from 1 s to a 60 s cap, with jitter in [d/2, d]', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, { random: () => 0 }))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, { random: () => 0.999999 }))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(10, { random: () => 0.999999 })).toBe(60_000);
    expect(backoffDelay(500, { random: () => 0 })).toBe(30_000);
  });
});

describe('DingTalk Stream', () => {
  it('subscribes to the robot topic, ingests a message, then acks it', async () => {
    const c = core();
    start(c);
    const body = buildRobotCallback({ msgId: 'st-1', text: ' 帮助', conversationType: '2' });
    const frameId = gw.push(body);
    await gw.waitFor(() => gw.acks.length === 1);
    expect(gw.opens[0]).toMatchObject({ clientId: APP_KEY, hasSecret: true, subscriptions: [{ type: 'CALLBACK', topic: TOPIC_ROBOT }] });
    expect(gw.acks[0]).toMatchObject({ messageId: frameId, code: 200, data: { response: null } });
    expect(c.ingested.map((m) => [m.messageId, m.text, m.chat.kind])).toEqual([['st-1', '帮助', 'group']]);
    expect(c.ingested[0]!.replyHint).toEqual({ sessionWebhook: body.sessionWebhook, sessionWebhookExpiredTime: body.sessionWebhookExpiredTime });
  });

  it('does not ack before the core holds the message', async () => {
    const c = core();
    const release = c.hold('st-held');
    start(c);
    gw.push(buildRobotCallback({ msgId: 'st-held' }));
    await gw.waitFor(() => c.calls.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(gw.acks).toEqual([]);
    release();
    await gw.waitFor(() => gw.acks.length === 1);
    expect(c.ingested).toHaveLength(1);
  });

  it('reconnects with backoff after a dropped connection and loses no message', async () => {
    const c = core();
    start(c);
    gw.push(buildRobotCallback({ msgId: 'before' }));
    await gw.waitFor(() => gw.acks.length === 1);

    // A message is being ingested when the connection drops: its ack cannot go out.
    const release = c.hold('in-flight');
    gw.push(buildRobotCallback({ msgId: 'in-flight' }));
    await gw.waitFor(() => c.calls.includes('in-flight'));
    const droppedAt = Date.now();
    gw.drop();
    gw.push(buildRobotCallback({ msgId: 'while-down' })); // queued by the gateway
    release();

    await gw.waitFor(() => gw.connections() === 2);
    expect(gw.connectionTimes[1]! - droppedAt).toBeGreaterThanOrEqual(BASE / 2 - 5); // backoff, not a hot loop
    await gw.waitFor(() => gw.unacked().length === 0);

    // The unacked message was redelivered on the new connection; the core saw it twice and kept it once.
    expect(c.ingested.map((m) => m.messageId).sort()).toEqual(['before', 'in-flight', 'while-down']);
    expect(c.calls.filter((id) => id === 'in-flight')).toHaveLength(2);
    expect(gw.acks.filter((a) => a.connection === 2).length).toBe(2);
  });

  it('backs off exponentially while the gateway refuses connections', async () => {
    gw.failOpenNext(3);
    const c = core();
    start(c);
    await gw.waitFor(() => gw.connections() === 1, 5000);
    const t = gw.opens.map((o) => o.at);
    expect(gw.opens.map((o) => o.status)).toEqual([500, 500, 500, 200]);
    const gaps = [t[1]! - t[0]!, t[2]! - t[1]!, t[3]! - t[2]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(45); // 100 ms · 2^0 / 2
    expect(gaps[1]).toBeGreaterThanOrEqual(95); // · 2^1 / 2
    expect(gaps[2]).toBeGreaterThanOrEqual(195); // · 2^2 / 2
  });

  it('gives up on a handshake that never completes and tries again', async () => {
    gw.hangUpgradeNext();
    const c = core();
    start(c, { connectTimeoutMs: 100 });
    await gw.waitFor(() => gw.connections() === 1, 3000);
    expect(gw.opens).toHaveLength(2);
    gw.push(buildRobotCallback({ msgId: 'after-hang' }));
    await gw.waitFor(() => gw.acks.length === 1);
  });

  it('withholds the ack when the core cannot record the message, and takes the redelivery', async () => {
    const c = core();
    c.failOnce();
    start(c);
    gw.push(buildRobotCallback({ msgId: 'retry-me' }));
    await gw.waitFor(() => c.calls.length === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(gw.acks).toEqual([]);
    gw.drop();
    await gw.waitFor(() => gw.acks.length === 1);
    expect(c.ingested.map((m) => m.messageId)).toEqual(['retry-me']);
  });

  it('answers SYSTEM ping, survives an unreadable frame, and reconnects warm on SYSTEM disconnect', async () => {
    const c = core();
    start(c);
    await gw.waitFor(() => gw.openSockets() === 1);
    gw.pushSystem('ping', { opaque: 'op-42' });
    await gw.waitFor(() => gw.pingReplies.length === 1);
    expect(gw.pingReplies[0]).toMatchObject({ code: 200, data: JSON.stringify({ opaque: 'op-42' }) });

    gw.pushRaw('this is not json');
    gw.push(buildRobotCallback({ msgId: 'after-junk' }));
    await gw.waitFor(() => gw.acks.length === 1);

    gw.pushSystem('disconnect', { reason: 'server restart' });
    await gw.waitFor(() => gw.connections() === 2);
    expect(gw.openSockets()).toBe(2); // the old one drains until the server closes it
    gw.push(buildRobotCallback({ msgId: 'on-new' }));
    await gw.waitFor(() => gw.acks.length === 2);
    expect(gw.acks[1]!.connection).toBe(2);
  });

  it('refuses a sender outside the organisation through notify, and acks', async () => {
    const c = core();
    start(c);
    gw.push(buildRobotCallback({ msgId: 'outsider', conversationType: '2', senderStaffId: null }));
    await gw.waitFor(() => gw.acks.length === 1);
    expect(c.calls).toEqual([]);
    expect(c.notified).toEqual([expect.objectContaining({ dedupeKey: 'dingtalk:refuse:outsider' })]);
  });

  it('keeps a healthy socket across heartbeats, and drops a silent one and reconnects', async () => {
    const c = core();
    start(c, { heartbeatMs: 40 });
    await gw.waitFor(() => gw.openSockets() === 1);
    // ws answers pings by itself, so a healthy socket stays up across several heartbeats.
    await new Promise((r) => setTimeout(r, 150));
    expect(gw.connections()).toBe(1);
    gw.freeze(); // a zombie: open, but no pong ever comes back
    await gw.waitFor(() => gw.connections() === 2, 2000);
    gw.push(buildRobotCallback({ msgId: 'after-zombie' }));
    await gw.waitFor(() => c.ingested.some((m) => m.messageId === 'after-zombie'));
  });

  it('close() stops the loop: no reconnect afterwards', async () => {
    const c = core();
    const s = start(c);
    await gw.waitFor(() => gw.openSockets() === 1);
    await s.close();
    stream = undefined;
    await gw.waitFor(() => gw.openSockets() === 0);
    await new Promise((r) => setTimeout(r, 3 * BASE));
    expect(gw.connections()).toBe(1);
  });
});
