/**
 * DingTalk Stream mode: robot messages over an outbound WebSocket, via `dingtalk-stream` 2.1.5.
 *
 * What the pinned SDK does, and what this file changes (read from node_modules/dingtalk-stream):
 * - `getEndpoint()` posts to the hard-coded constant GATEWAY_URL with axios, so a subclass overrides
 *   it to post to `gatewayUrl` (default DingTalk's) with fetch; everything else (socket, SYSTEM ping
 *   echo, CALLBACK → EventEmitter, `socketCallBackResponse`) is the SDK's own code.
 * - `autoReconnect` (default true) retries every 1 s forever and does not clean the old socket; it is
 *   switched off and this file owns the loop: one fresh client per connection, exponential backoff with
 *   jitter (base 1 s, cap 60 s), the old socket's listeners removed and the socket terminated.
 * - `connect()` swallows every error; the loop calls `getEndpoint()` + `_connect()` to see them.
 * - `onDownStream` does `JSON.parse` without a guard: a bad frame would throw inside the ws 'message'
 *   listener, so it is wrapped.
 * - The default subscription list is a module-level array the SDK mutates; each client gets its own,
 *   with only the robot topic.
 * - A SYSTEM `disconnect` (the server will close in ~10 s) triggers a warm reconnect: the next
 *   connection opens at once while the old one drains. A heartbeat (ws ping) terminates a silent,
 *   "zombie" socket so the loop reconnects. The SDK's 8 s keepAlive is left off.
 * - The SDK never acks CALLBACK frames itself; see `onRobotFrame` for when this file does.
 */
import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type WebSocket from 'ws';
import type { DingTalkConfig } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { Ingest } from '../types.ts';
import type { Notify } from './decode.ts';
import { handleRobotCallback } from './inbound.ts';

export const DINGTALK_GATEWAY_URL = 'https://api.dingtalk.com/v1.0/gateway/connections/open';
export { TOPIC_ROBOT };

export interface StreamBackoff {
  /** First delay (default 1 s). */
  baseMs?: number;
  /** Largest delay (default 60 s). */
  capMs?: number;
  /** A connection that stayed up this long resets the delay (default 10 s). */
  resetAfterMs?: number;
  /** [0, 1); injectable for tests. */
  random?: () => number;
}

export interface DingTalkStreamOptions {
  config: DingTalkConfig;
  ingest: Ingest;
  notify: Notify;
  log: Logger;
  /** The connections/open endpoint; default `<config.apiBase>/v1.0/gateway/connections/open`. */
  gatewayUrl?: string;
  backoff?: StreamBackoff;
  now?: () => Date;
  /** WebSocket ping interval; a socket with no pong or frame for one interval is dropped (default 20 s). */
  heartbeatMs?: number;
  /** After a SYSTEM disconnect, force-close the old socket after this long (default 15 s). */
  drainMs?: number;
  /** Give up on a WebSocket handshake after this long (default 15 s). */
  connectTimeoutMs?: number;
}

export interface DingTalkStream {
  close(): Promise<void>;
}

/** Delay before reconnect attempt `attempt` (0-based): "equal jitter" in [d/2, d], d = min(cap, base·2^attempt). */
export function backoffDelay(attempt: number, b: StreamBackoff = {}): number {
  const base = b.baseMs ?? 1000;
  const cap = b.capMs ?? 60_000;
  const d = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  const r = (b.random ?? Math.random)();
  return Math.round(d / 2 + (r * d) / 2);
}

/** The SDK client, pointed at a configurable gateway, with its own reconnects off. */
class GatewayClient extends DWClient {
  constructor(
    private readonly gatewayUrl: string,
    clientId: string,
    clientSecret: string,
  ) {
    super({ clientId, clientSecret, ua: 'party-branch-assistant', keepAlive: false, debug: false });
    this.config.autoReconnect = false;
    this.config.subscriptions = [{ type: 'CALLBACK', topic: TOPIC_ROBOT }];
  }

  override async getEndpoint(): Promise<this> {
    const res = await fetch(this.gatewayUrl, {
      method: 'POST',
      // Without Accept the real gateway answers XML (SDK comment).
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        ua: this.config.ua,
        subscriptions: this.config.subscriptions,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`gateway connections/open: HTTP ${res.status}`);
    const body = (await res.json().catch(() => ({}))) as { endpoint?: unknown; ticket?: unknown };
    if (typeof body.endpoint !== 'string' || typeof body.ticket !== 'string' || !body.endpoint || !body.ticket) {
      throw new Error('gateway connections/open: no endpoint or ticket');
    }
    const url = new URL(body.endpoint);
    url.searchParams.set('ticket', body.ticket);
    // `dw_url` is private in the SDK's typings; `_connect()` opens it.
    (this as unknown as { dw_url?: string }).dw_url = url.toString();
    return this;
  }

  override onDownStream(data: string): void {
    try {
      super.onDownStream(data);
    } catch (err) {
      this.emit('bad-frame', err);
    }
  }

  override onSystem(downstream: DWClientDownStream): void {
    super.onSystem(downstream);
    if (downstream.headers.topic === 'disconnect') this.emit('server-disconnect');
  }

  get ws(): WebSocket | undefined {
    return (this as unknown as { socket?: WebSocket }).socket;
  }
}

interface Connection {
  id: number;
  client: GatewayClient;
  openedAt?: number;
  timers: NodeJS.Timeout[];
  destroyed: boolean;
}

export function startDingTalkStream(opts: DingTalkStreamOptions): DingTalkStream {
  const log = opts.log.child({ platform: 'dingtalk', transport: 'stream' });
  const now = opts.now ?? (() => new Date());
  const gatewayUrl = opts.gatewayUrl ?? `${opts.config.apiBase.replace(/\/+$/, '')}/v1.0/gateway/connections/open`;
  const heartbeatMs = opts.heartbeatMs ?? 20_000;
  const drainMs = opts.drainMs ?? 15_000;
  const resetAfterMs = opts.backoff?.resetAfterMs ?? 10_000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 15_000;

  let stopped = false;
  let attempt = 0;
  let seq = 0;
  let current: Connection | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  const live = new Set<Connection>();
  const inflight = new Set<Promise<void>>();

  /** Idempotent; also safe when the socket appears only after an earlier call (a connect racing close()). */
  function destroy(conn: Connection): void {
    conn.destroyed = true;
    live.delete(conn);
    for (const t of conn.timers) clearInterval(t); // also clears timeouts in Node
    conn.client.removeAllListeners();
    const ws = conn.client.ws;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {}); // a late error must not become an unhandled 'error' event
      ws.terminate();
    }
  }

  function scheduleReconnect(): void {
    if (stopped || retryTimer || current) return;
    const delay = backoffDelay(attempt, opts.backoff);
    attempt++;
    log.info('dingtalk stream reconnecting', { inMs: delay, attempt });
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    const conn: Connection = {
      id: ++seq,
      client: new GatewayClient(gatewayUrl, opts.config.appKey, opts.config.appSecret),
      timers: [],
      destroyed: false,
    };
    current = conn;
    live.add(conn);
    conn.client.registerCallbackListener(TOPIC_ROBOT, (frame) => track(onRobotFrame(conn, frame)));
    conn.client.on('bad-frame', (err: unknown) => log.warn('dingtalk stream: unreadable frame', { err }));
    conn.client.on('server-disconnect', () => {
      if (current !== conn || stopped) return;
      log.info('dingtalk stream: server announced disconnect, reconnecting now', { conn: conn.id });
      current = undefined;
      conn.timers.push(setTimeout(() => destroy(conn), drainMs));
      void connect();
    });
    try {
      await conn.client.getEndpoint();
      if (stopped || conn.destroyed) return destroy(conn);
      // The SDK sets no handshake timeout; a handshake that never completes must not stall the loop.
      await withTimeout(conn.client._connect(), connectTimeoutMs, 'websocket handshake timed out');
    } catch (err) {
      log.warn('dingtalk stream: connect failed', { conn: conn.id, error: err instanceof Error ? err.message : String(err) });
      destroy(conn);
      if (current === conn) current = undefined;
      scheduleReconnect();
      return;
    }
    const ws = conn.client.ws;
    if (stopped || conn.destroyed || !ws) {
      destroy(conn);
      return;
    }
    conn.openedAt = Date.now();
    log.info('dingtalk stream connected', { conn: conn.id });

    let alive = true;
    ws.on('pong', () => (alive = true));
    ws.on('message', () => (alive = true));
    conn.timers.push(
      setInterval(() => {
        if (!alive) {
          log.warn('dingtalk stream: no heartbeat, dropping the socket', { conn: conn.id });
          ws.terminate();
          return;
        }
        alive = false;
        ws.ping();
      }, heartbeatMs),
    );
    ws.once('close', (code: number) => {
      const upMs = Date.now() - (conn.openedAt ?? Date.now());
      log.info('dingtalk stream closed', { conn: conn.id, code, upMs });
      destroy(conn);
      if (current !== conn) return; // replaced by a warm reconnect, or closing
      current = undefined;
      if (upMs >= resetAfterMs) attempt = 0;
      scheduleReconnect();
    });
  }

  function track(p: Promise<void>): void {
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }

  /**
   * Ack order: ingest first, ack second.
   *
   * The ack tells DingTalk it may forget the message, so it is sent only once the core holds it
   * durably (`ingest` resolves after the inbox insert; that takes milliseconds, far inside the
   * ~16–60 s after which DingTalk re-pushes unacknowledged messages). Acking first would open a
   * window — a crash, a failed insert — in which an acknowledged message is gone for good and no
   * reconnect can bring it back. Acking after costs at most a second delivery (connection dropped
   * before the ack went out, or a late ack), which the core's dedupe on msgId turns into
   * 'duplicate', and duplicates are acked too. When the core cannot record the message the ack is
   * withheld so DingTalk may redeliver it. The ack goes back on the connection the frame came in on.
   */
  async function onRobotFrame(conn: Connection, frame: DWClientDownStream): Promise<void> {
    const messageId = frame.headers?.messageId;
    let raw: unknown;
    try {
      raw = JSON.parse(frame.data);
    } catch {
      log.warn('dingtalk stream: robot frame data is not JSON', { conn: conn.id });
      ack(conn, messageId); // nothing that could ever be processed: do not have it re-pushed
      return;
    }
    try {
      const outcome = await handleRobotCallback(raw, { ingest: opts.ingest, notify: opts.notify, log, now: now() });
      log.debug('dingtalk stream message handled', { conn: conn.id, outcome });
    } catch (err) {
      log.error('dingtalk stream: message not recorded, ack withheld so DingTalk may redeliver', { conn: conn.id, err });
      return;
    }
    ack(conn, messageId);
  }

  function ack(conn: Connection, messageId: string | undefined): void {
    if (!messageId) return;
    const ws = conn.client.ws;
    if (conn.destroyed || !ws || ws.readyState !== ws.OPEN) {
      log.info('dingtalk stream: connection gone before ack; a redelivery will be deduped', { conn: conn.id });
      return;
    }
    conn.client.socketCallBackResponse(messageId, null);
  }

  void connect();

  return {
    async close() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      current = undefined;
      // Let messages already being ingested finish (their acks go out if the socket is still up).
      await Promise.allSettled([...inflight]);
      for (const conn of [...live]) destroy(conn);
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
