/**
 * A fake Feishu long-connection gateway on loopback, for the real SDK's WSClient (`domain` = baseUrl):
 * `POST /callback/ws/endpoint` hands out a WebSocket URL, then events are pushed over that socket as
 * Feishu's protobuf frames (pbbp2.Frame) and the client's acknowledgements are read back.
 *
 * The frame codec is written here from the message definition, not taken from the SDK:
 *   Frame  { 1 SeqID uint64, 2 LogID uint64, 3 service int32, 4 method int32 (0 control, 1 data),
 *            5 headers Header*, 6 payload_encoding, 7 payload_type, 8 payload bytes, 9 LogIDNew }
 *   Header { 1 key string, 2 value string }
 * A data frame with header `type: event` carries the event JSON (split by `sum`/`seq`; one part here);
 * the client answers with the same frame, its payload replaced by `{"code":200,"data":base64(result)}`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeWsAck {
  code: number;
  /** The handler's result, decoded from the base64 `data` field. */
  result?: unknown;
}

export interface FakeFeishuWsGateway {
  baseUrl: string;
  /** Bodies posted to /callback/ws/endpoint. */
  endpointCalls: Record<string, unknown>[];
  /** Resolves once a client has opened the socket and sent its first ping (it reads frames from then on). */
  connected(): Promise<void>;
  /** Pushes one event (the v2 body: schema, header, event) and resolves with the client's ack. */
  push(body: unknown): Promise<FakeWsAck>;
  close(): Promise<void>;
}

interface Frame {
  seqId: number;
  logId: number;
  service: number;
  method: number;
  headers: [string, string][];
  payload: Uint8Array;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const field = (no: number, wire: number) => varint((no << 3) | wire);
const bytesField = (no: number, data: Uint8Array) => [...field(no, 2), ...varint(data.length), ...data];
const text = (s: string) => new TextEncoder().encode(s);

export function encodeFrame(f: Frame): Uint8Array {
  const out: number[] = [
    ...field(1, 0), ...varint(f.seqId),
    ...field(2, 0), ...varint(f.logId),
    ...field(3, 0), ...varint(f.service),
    ...field(4, 0), ...varint(f.method),
  ];
  for (const [k, v] of f.headers) out.push(...bytesField(5, Uint8Array.from([...bytesField(1, text(k)), ...bytesField(2, text(v))])));
  out.push(...bytesField(8, f.payload));
  return Uint8Array.from(out);
}

/** Reads the fields of one message: varints as numbers, length-delimited fields as bytes. */
function fields(buf: Uint8Array): [number, number | Uint8Array][] {
  const out: [number, number | Uint8Array][] = [];
  let pos = 0;
  const readVarint = () => {
    let value = 0;
    let mul = 1;
    for (;;) {
      const b = buf[pos++]!;
      value += (b & 0x7f) * mul;
      if (b < 0x80) return value;
      mul *= 128;
    }
  };
  while (pos < buf.length) {
    const key = readVarint();
    const wire = key & 7;
    if (wire === 0) out.push([key >>> 3, readVarint()]);
    else if (wire === 2) {
      const len = readVarint();
      out.push([key >>> 3, buf.subarray(pos, pos + len)]);
      pos += len;
    } else throw new Error(`fake gateway: unexpected wire type ${wire}`);
  }
  return out;
}

export function decodeFrame(buf: Uint8Array): Frame {
  const f: Frame = { seqId: 0, logId: 0, service: 0, method: 0, headers: [], payload: new Uint8Array() };
  const dec = new TextDecoder();
  for (const [no, v] of fields(buf)) {
    if (no === 1) f.seqId = v as number;
    else if (no === 2) f.logId = v as number;
    else if (no === 3) f.service = v as number;
    else if (no === 4) f.method = v as number;
    else if (no === 5) {
      const h = Object.fromEntries(fields(v as Uint8Array).map(([n, b]) => [n, dec.decode(b as Uint8Array)]));
      f.headers.push([h[1] ?? '', h[2] ?? '']);
    } else if (no === 8) f.payload = v as Uint8Array;
  }
  return f;
}

/** Long intervals: no second ping and no reconnect during a test. */
const CLIENT_CONFIG = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 };

export async function startFakeFeishuWsGateway(opts: { appId: string; appSecret: string }): Promise<FakeFeishuWsGateway> {
  const endpointCalls: Record<string, unknown>[] = [];
  const wss = new WebSocketServer({ noServer: true });
  let socket: WebSocket | undefined;
  let onConnect: (() => void) | undefined;
  const waiting = new Map<string, (ack: FakeWsAck) => void>();
  let seq = 0;

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    res.setHeader('content-type', 'application/json');
    if (req.method !== 'POST' || url.pathname !== '/callback/ws/endpoint') {
      res.writeHead(404).end(JSON.stringify({ code: 404, msg: 'no route' }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    endpointCalls.push(body);
    if (body.AppID !== opts.appId || body.AppSecret !== opts.appSecret) {
      res.end(JSON.stringify({ code: 1000040343, msg: 'app id or secret invalid' }));
      return;
    }
    const { port } = server.address() as AddressInfo;
    res.end(JSON.stringify({
      code: 0,
      msg: 'ok',
      data: {
        URL: `ws://127.0.0.1:${port}/ws?device_id=fake-device&service_id=7`,
        ClientConfig: CLIENT_CONFIG,
      },
    }));
  });

  server.on('upgrade', (req, sock, head) => {
    wss.handleUpgrade(req, sock, head, (ws) => {
      ws.on('message', (data: Buffer) => {
        const frame = decodeFrame(new Uint8Array(data));
        const headers = Object.fromEntries(frame.headers);
        if (frame.method === 0 && headers.type === 'ping') {
          // The client pings once its socket is open, just before it starts reading frames: it is ready.
          ws.send(encodeFrame({ ...frame, headers: [['type', 'pong']], payload: text(JSON.stringify(CLIENT_CONFIG)) }));
          socket = ws;
          onConnect?.();
          return;
        }
        if (frame.method !== 1 || headers.type !== 'event') return;
        const resolve = waiting.get(headers.message_id ?? '');
        if (!resolve) return;
        waiting.delete(headers.message_id!);
        const ack = JSON.parse(new TextDecoder().decode(frame.payload)) as { code: number; data?: string };
        resolve({
          code: ack.code,
          ...(ack.data ? { result: JSON.parse(Buffer.from(ack.data, 'base64').toString('utf8')) } : {}),
        });
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    endpointCalls,
    connected: () => (socket ? Promise.resolve() : new Promise<void>((r) => (onConnect = r))),
    push(body) {
      if (!socket) throw new Error('fake gateway: no client connected');
      const messageId = `msg_${++seq}`;
      const acked = new Promise<FakeWsAck>((resolve) => waiting.set(messageId, resolve));
      socket.send(encodeFrame({
        seqId: seq,
        logId: 1000 + seq,
        service: 7,
        method: 1,
        headers: [['type', 'event'], ['message_id', messageId], ['sum', '1'], ['seq', '0'], ['trace_id', `trace_${seq}`]],
        payload: text(JSON.stringify(body)),
      }));
      return acked;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
