/**
 * A fake DingTalk Stream gateway on loopback: `POST /v1.0/gateway/connections/open` hands out a
 * one-use ticket and `ws://127.0.0.1:<port>/connect`; the WebSocket server pushes CALLBACK frames
 * shaped like DingTalk's (`{specVersion, type, headers:{topic, messageId, contentType, time}, data}`),
 * records acks, can send SYSTEM frames, drop connections, and redeliver unacknowledged messages on
 * the next connection (what the SDK's doc comment says the real server does within 60 s).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';

export interface GatewayOpenRequest {
  clientId: string;
  ua?: string;
  subscriptions: { type: string; topic: string }[];
  /** Whether a clientSecret was sent (the value is not kept). */
  hasSecret: boolean;
  /** Date.now() when the request arrived. */
  at: number;
  /** The HTTP status answered. */
  status: number;
}

export interface GatewayAck {
  messageId: string;
  code: number;
  data: unknown;
  connection: number;
}

export interface FakeStreamGateway {
  /** The connections/open URL to give `startDingTalkStream({ gatewayUrl })`. */
  gatewayUrl: string;
  opens: GatewayOpenRequest[];
  acks: GatewayAck[];
  /** Replies to SYSTEM ping frames. */
  pingReplies: unknown[];
  /** WebSocket connections accepted so far. */
  connections(): number;
  /** Connection attempt times (ms, Date.now()) of accepted sockets. */
  connectionTimes: number[];
  openSockets(): number;
  /** Push a robot message (`data` is the robot callback JSON); queued until a client is connected. Returns the frame messageId. */
  push(data: unknown, opts?: { topic?: string; messageId?: string }): string;
  /** Push a SYSTEM frame (e.g. `ping` with `{opaque}`, or `disconnect`). */
  pushSystem(topic: string, data?: unknown): string;
  /** Push a raw text frame. */
  pushRaw(text: string): void;
  /** Terminate every open socket (the client sees a dropped connection). */
  drop(): void;
  /** Make every open socket a silent "zombie": it stops reading (no pongs, no acks) without closing. */
  freeze(): void;
  /** The next `times` WebSocket upgrades are never answered (a handshake that hangs). */
  hangUpgradeNext(times?: number): void;
  /** The next `times` connections/open calls answer HTTP 500. */
  failOpenNext(times?: number): void;
  /** Message ids pushed but not acked. */
  unacked(): string[];
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FakeStreamGatewayOptions {
  clientId?: string;
  clientSecret?: string;
  /** On each new connection, push again every message not yet acked (default true). */
  redeliverUnacked?: boolean;
}

interface Pending {
  messageId: string;
  frame: string;
}

export async function startFakeStreamGateway(opts: FakeStreamGatewayOptions = {}): Promise<FakeStreamGateway> {
  const redeliver = opts.redeliverUnacked ?? true;
  const opens: GatewayOpenRequest[] = [];
  const acks: GatewayAck[] = [];
  const pingReplies: unknown[] = [];
  const connectionTimes: number[] = [];
  const tickets = new Set<string>();
  const sockets = new Map<WebSocket, number>();
  const pending = new Map<string, Pending>(); // pushed, not acked
  const queue: Pending[] = []; // pushed while nobody was connected
  let failOpen = 0;
  let hangUpgrade = 0;
  const hungSockets = new Set<Duplex>();
  let connectionCount = 0;

  const http = createServer((req, res) => void onHttp(req, res));
  const wss = new WebSocketServer({ noServer: true });

  async function onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || url.pathname !== '/v1.0/gateway/connections/open') {
      res.writeHead(404).end();
      return;
    }
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      /* checked below */
    }
    const clientId = typeof body.clientId === 'string' ? body.clientId : '';
    const secret = typeof body.clientSecret === 'string' ? body.clientSecret : '';
    const request: GatewayOpenRequest = {
      clientId,
      ...(typeof body.ua === 'string' ? { ua: body.ua } : {}),
      subscriptions: Array.isArray(body.subscriptions) ? (body.subscriptions as GatewayOpenRequest['subscriptions']) : [],
      hasSecret: secret.length > 0,
      at: Date.now(),
      status: 200,
    };
    opens.push(request);
    if (failOpen > 0) {
      failOpen--;
      request.status = 500;
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'ServiceUnavailable' }));
      return;
    }
    if (!clientId || !secret || (opts.clientId && clientId !== opts.clientId) || (opts.clientSecret && secret !== opts.clientSecret)) {
      request.status = 401;
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'InvalidClient' }));
      return;
    }
    const ticket = randomUUID();
    tickets.add(ticket);
    const { port } = http.address() as AddressInfo;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ endpoint: `ws://127.0.0.1:${port}/connect`, ticket }));
  }

  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (hangUpgrade > 0) {
      hangUpgrade--;
      hungSockets.add(socket);
      return;
    }
    if (url.pathname !== '/connect' || !tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws));
  });

  function onSocket(ws: WebSocket): void {
    const id = ++connectionCount;
    connectionTimes.push(Date.now());
    sockets.set(ws, id);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', () => sockets.delete(ws));
    ws.on('message', (raw) => {
      let msg: { code?: number; headers?: { messageId?: string; topic?: string }; data?: unknown };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        return;
      }
      const messageId = msg.headers?.messageId;
      if (msg.headers?.topic === 'ping') {
        pingReplies.push(msg);
        return;
      }
      if (!messageId) return;
      let data: unknown = msg.data;
      try {
        data = typeof msg.data === 'string' ? JSON.parse(msg.data) : msg.data;
      } catch {
        /* keep the string */
      }
      acks.push({ messageId, code: msg.code ?? 0, data, connection: id });
      pending.delete(messageId);
    });
    if (redeliver) for (const p of pending.values()) if (!queue.includes(p)) ws.send(p.frame);
    while (queue.length > 0) {
      const p = queue.shift()!;
      ws.send(p.frame);
    }
  }

  function newest(): WebSocket | undefined {
    let best: WebSocket | undefined;
    let bestId = 0;
    for (const [ws, id] of sockets) if (ws.readyState === ws.OPEN && id > bestId) (best = ws), (bestId = id);
    return best;
  }

  function frame(type: string, topic: string, messageId: string, data: unknown): string {
    return JSON.stringify({
      specVersion: '1.0',
      type,
      headers: {
        appId: 'fake-app',
        connectionId: 'fake-conn',
        contentType: 'application/json',
        messageId,
        time: String(Date.now()),
        topic,
      },
      data: typeof data === 'string' ? data : JSON.stringify(data ?? {}),
    });
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    gatewayUrl: `http://127.0.0.1:${port}/v1.0/gateway/connections/open`,
    opens,
    acks,
    pingReplies,
    connectionTimes,
    connections: () => connectionCount,
    openSockets: () => [...sockets.keys()].filter((ws) => ws.readyState === ws.OPEN).length,
    push(data, o = {}) {
      const messageId = o.messageId ?? `stream-${randomUUID()}`;
      const p: Pending = { messageId, frame: frame('CALLBACK', o.topic ?? TOPIC_ROBOT, messageId, data) };
      pending.set(messageId, p);
      const ws = newest();
      if (ws) ws.send(p.frame);
      else queue.push(p);
      return messageId;
    },
    pushSystem(topic, data) {
      const messageId = `sys-${randomUUID()}`;
      newest()?.send(frame('SYSTEM', topic, messageId, data ?? {}));
      return messageId;
    },
    pushRaw(text) {
      newest()?.send(text);
    },
    drop() {
      for (const ws of sockets.keys()) ws.terminate();
    },
    hangUpgradeNext(times = 1) {
      hangUpgrade += times;
    },
    freeze() {
      for (const ws of sockets.keys()) ws.pause();
    },
    failOpenNext(times = 1) {
      failOpen += times;
    },
    unacked: () => [...pending.keys()],
    async waitFor(pred, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > until) throw new Error('fake stream gateway: condition not met in time');
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      for (const ws of sockets.keys()) ws.terminate();
      for (const socket of hungSockets) socket.destroy();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
