/**
 * A fake Feishu Open Platform on loopback for tests that drive the real Lark SDK (`domain` = baseUrl),
 * plus builders for webhook payloads exactly as Feishu documents them. The crypto here is written
 * independently of src/platforms/feishu, so a mistake there is not mirrored here.
 *
 * Serves: POST /open-apis/auth/v3/tenant_access_token/internal, POST /open-apis/im/v1/messages,
 * POST /open-apis/im/v1/messages/:id/reply, POST /open-apis/im/v1/files (uploads kept byte for byte),
 * GET /open-apis/bot/v3/info, POST /callback/ws/endpoint.
 */
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMultipart } from './multipart.ts';

export interface FakeFeishuOptions {
  appId?: string;
  appSecret?: string;
  botOpenId?: string;
  botName?: string;
  /** Lifetime of issued tenant tokens (Feishu: 7200). */
  tokenTtlSeconds?: number;
  /**
   * Requests per second allowed per receiver (user or chat; Feishu: 5) and per app (Feishu: 50), and
   * optionally per app over any 60 s (Feishu: 1000; off unless given); false: none.
   */
  rateLimit?: { perReceiver?: number; perApp?: number; perAppMinute?: number } | false;
  /** Milliseconds clock for rate limits, token expiry and uuid dedupe. */
  now?: () => number;
}

export interface FakeCall {
  method: string;
  /** Path with query string. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface SentMessage {
  messageId: string;
  via: 'create' | 'reply';
  receiveIdType?: string;
  receiveId?: string;
  /** The message replied to (reply endpoint). */
  replyTo?: string;
  replyInThread?: boolean;
  /** The chat the message landed in, when the fake knows it. */
  chatId?: string;
  msgType: string;
  /** `content`, parsed. */
  content: unknown;
  uuid?: string;
}

/** '230002': the bot is not in the chat (permanent). */
export type FailKind = '429' | 'token-expired' | '230020' | '230002' | '500';

/** A file received by POST /open-apis/im/v1/files. */
export interface UploadedFile {
  fileKey: string;
  fileType: string;
  fileName: string;
  content: Buffer;
}

export interface FakeFeishu {
  baseUrl: string;
  calls: FakeCall[];
  sent(): SentMessage[];
  uploads(): UploadedFile[];
  /** The next `times` uploads fail with HTTP 500 (transient). */
  failNextUpload(times?: number): void;
  tokenRequests(): number;
  /** The next `times` message sends (create or reply) fail this way. */
  failNext(kind: FailKind, times?: number, opts?: { resetSeconds?: number }): void;
  /** Tells the fake which chat an inbound message id belongs to (for replies and their rate limit). */
  knowMessage(messageId: string, chatId: string): void;
  close(): Promise<void>;
}

export const FAKE_APP_ID = 'cli_a1b2c3d4e5f60718';
export const FAKE_APP_SECRET = 'fake-app-secret-0123456789';
export const FAKE_BOT_OPEN_ID = 'ou_fakebot0000000000000000000000';
const HOUR_MS = 3600_000;

export async function startFakeFeishu(opts: FakeFeishuOptions = {}): Promise<FakeFeishu> {
  const appId = opts.appId ?? FAKE_APP_ID;
  const appSecret = opts.appSecret ?? FAKE_APP_SECRET;
  const ttl = opts.tokenTtlSeconds ?? 7200;
  const now = opts.now ?? Date.now;
  const limits = opts.rateLimit === false ? undefined : { perReceiver: 5, perApp: 50, ...opts.rateLimit };

  const calls: FakeCall[] = [];
  const sent: SentMessage[] = [];
  const tokens = new Map<string, number>(); // token → expiry (ms)
  let current: string | undefined;
  let tokenRequests = 0;
  let seq = 0;
  const failures: { kind: FailKind; resetSeconds: number }[] = [];
  const uuids = new Map<string, { at: number; messageId: string; chatId?: string }>();
  const chats = new Map<string, string>(); // message id → chat id
  const windows = new Map<string, number[]>(); // rate-limit key → recent request times
  const uploads: UploadedFile[] = [];
  let uploadFailures = 0;

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  function issueToken(): { token: string; expire: number } {
    const t = now();
    const exp = current ? tokens.get(current) : undefined;
    // Like Feishu: the same token while ≥ 30 min remain, a new one (both valid) after that.
    if (current && exp !== undefined && exp - t >= 30 * 60_000) return { token: current, expire: Math.floor((exp - t) / 1000) };
    current = `t-fake-${++seq}-${randomBytes(4).toString('hex')}`;
    tokens.set(current, t + ttl * 1000);
    return { token: current, expire: ttl };
  }

  function authorized(req: IncomingMessage): boolean {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const exp = m?.[1] ? tokens.get(m[1]) : undefined;
    return exp !== undefined && exp > now();
  }

  /** The reset seconds of a 429 if any of `keys` (key, limit, sliding window in ms) is full; else records this request. */
  function rateLimited(keys: [string, number, number][]): number | undefined {
    const t = now();
    for (const [key, limit, windowMs] of keys) {
      const recent = (windows.get(key) ?? []).filter((x) => t - x < windowMs);
      windows.set(key, recent);
      if (recent.length >= limit) return Math.max(1, Math.ceil(((recent[recent.length - limit] ?? t) + windowMs - t) / 1000));
    }
    for (const [key] of keys) windows.get(key)?.push(t);
    return undefined;
  }

  function handleSend(res: ServerResponse, body: Record<string, unknown>, via: 'create' | 'reply', target: { receiveIdType?: string; receiveId?: string; replyTo?: string }) {
    const failure = failures.shift();
    if (failure) {
      if (failure.kind === '429') {
        return send(res, 429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': String(failure.resetSeconds) });
      }
      if (failure.kind === 'token-expired') {
        tokens.clear();
        current = undefined;
        return send(res, 400, { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' });
      }
      if (failure.kind === '230020') return send(res, 400, { code: 230020, msg: 'This operation triggers the frequency limit.' });
      if (failure.kind === '230002') return send(res, 400, { code: 230002, msg: 'Bot/User can NOT be out of the chat.' });
      return send(res, 500, { code: 1, msg: 'internal error' });
    }
    const msgType = body.msg_type;
    const content = body.content;
    const uuid = body.uuid;
    if (typeof msgType !== 'string' || typeof content !== 'string' || (uuid !== undefined && (typeof uuid !== 'string' || uuid.length > 50))) {
      return send(res, 400, { code: 230001, msg: 'invalid request body' });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      return send(res, 400, { code: 230001, msg: 'content is not JSON' });
    }
    if (msgType === 'file' && !uploads.some((u) => u.fileKey === (parsed as { file_key?: unknown }).file_key)) {
      return send(res, 400, { code: 230001, msg: 'invalid file_key' });
    }
    if (via === 'create' && typeof body.receive_id !== 'string') return send(res, 400, { code: 230001, msg: 'receive_id missing' });

    const chatId = target.receiveIdType === 'chat_id' ? target.receiveId : target.replyTo ? chats.get(target.replyTo) : undefined;
    const previous = typeof uuid === 'string' ? uuids.get(uuid) : undefined;
    if (previous && now() - previous.at < HOUR_MS) {
      return send(res, 200, { code: 0, msg: 'success', data: { message_id: previous.messageId, chat_id: previous.chatId, msg_type: msgType } });
    }
    if (limits) {
      const receiver = chatId ?? target.receiveId ?? target.replyTo ?? '?';
      const reset = rateLimited([
        [`r:${receiver}`, limits.perReceiver, 1000],
        ['app', limits.perApp, 1000],
        ...(limits.perAppMinute ? [['app-minute', limits.perAppMinute, 60_000] as [string, number, number]] : []),
      ]);
      if (reset !== undefined) {
        return send(res, 429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': String(reset) });
      }
    }
    const messageId = `om_fake_${++seq}`;
    if (chatId) chats.set(messageId, chatId);
    if (typeof uuid === 'string') uuids.set(uuid, { at: now(), messageId, ...(chatId ? { chatId } : {}) });
    sent.push({
      messageId,
      via,
      ...target,
      ...(body.reply_in_thread === true ? { replyInThread: true } : {}),
      ...(chatId ? { chatId } : {}),
      msgType,
      content: parsed,
      ...(typeof uuid === 'string' ? { uuid } : {}),
    });
    send(res, 200, { code: 0, msg: 'success', data: { message_id: messageId, chat_id: chatId, msg_type: msgType, body: { content } } });
  }

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const multipart = /multipart\/form-data/i.test(req.headers['content-type'] ?? '');
    const raw = multipart ? '[multipart]' : bytes.toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      /* keep raw */
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const url = new URL(req.url ?? '/', 'http://fake');
    calls.push({ method: req.method ?? 'GET', path: url.pathname + url.search, headers, body });
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;

    if (req.method === 'POST' && url.pathname === '/open-apis/auth/v3/tenant_access_token/internal') {
      tokenRequests++;
      if (b.app_id !== appId || b.app_secret !== appSecret) return send(res, 400, { code: 10014, msg: 'app secret invalid' });
      const { token, expire } = issueToken();
      return send(res, 200, { code: 0, msg: 'ok', tenant_access_token: token, expire });
    }
    if (req.method === 'POST' && url.pathname === '/callback/ws/endpoint') {
      return send(res, 200, { code: 1, msg: 'the fake has no long connection' });
    }
    if (!authorized(req)) {
      return send(res, 400, { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' });
    }
    if (req.method === 'GET' && url.pathname === '/open-apis/bot/v3/info') {
      return send(res, 200, {
        code: 0,
        msg: 'ok',
        bot: { activate_status: 2, app_name: opts.botName ?? '党支部助手', avatar_url: '', ip_white_list: [], open_id: opts.botOpenId ?? FAKE_BOT_OPEN_ID },
      });
    }
    if (req.method === 'POST' && url.pathname === '/open-apis/im/v1/messages') {
      const receiveIdType = url.searchParams.get('receive_id_type') ?? undefined;
      if (!receiveIdType) return send(res, 400, { code: 230001, msg: 'receive_id_type missing' });
      return handleSend(res, b, 'create', { receiveIdType, ...(typeof b.receive_id === 'string' ? { receiveId: b.receive_id } : {}) });
    }
    if (req.method === 'POST' && url.pathname === '/open-apis/im/v1/files') {
      if (uploadFailures > 0) {
        uploadFailures--;
        return send(res, 500, { code: 1, msg: 'internal error' });
      }
      let parts;
      try {
        parts = parseMultipart(bytes, req.headers['content-type']);
      } catch {
        return send(res, 400, { code: 234001, msg: 'Invalid request param.' });
      }
      const field = (n: string) => parts.find((p) => p.name === n);
      const file = field('file');
      const fileType = field('file_type')?.data.toString('utf8');
      const fileName = field('file_name')?.data.toString('utf8');
      if (!file || !fileType || !fileName || !['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream'].includes(fileType)) {
        return send(res, 400, { code: 234001, msg: 'Invalid request param.' });
      }
      if (file.data.length === 0) return send(res, 400, { code: 234010, msg: 'File\'s size can\'t be 0.' });
      if (file.data.length > 30 * 1024 * 1024) return send(res, 400, { code: 234006, msg: 'The file size exceed the max value.' });
      const fileKey = `file_v3_fake_${++seq}`;
      uploads.push({ fileKey, fileType, fileName, content: file.data });
      return send(res, 200, { code: 0, msg: 'success', data: { file_key: fileKey } });
    }
    const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(url.pathname);
    if (req.method === 'POST' && reply?.[1]) return handleSend(res, b, 'reply', { replyTo: decodeURIComponent(reply[1]) });
    send(res, 404, { code: 404, msg: `fake feishu: no route ${req.method} ${url.pathname}` });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    sent: () => [...sent],
    uploads: () => [...uploads],
    failNextUpload(times = 1) {
      uploadFailures += times;
    },
    tokenRequests: () => tokenRequests,
    failNext(kind, times = 1, o = {}) {
      for (let i = 0; i < times; i++) failures.push({ kind, resetSeconds: o.resetSeconds ?? 2 });
    },
    knowMessage(messageId, chatId) {
      chats.set(messageId, chatId);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Webhook payloads, shaped as in Feishu's docs ("接收消息", "卡片回传交互回调", "机器人进群").

export interface EnvelopeInput {
  token: string;
  tenantKey?: string;
  appId?: string;
  eventId?: string;
  createTime?: number;
}

function envelope(eventType: string, input: EnvelopeInput, event: Record<string, unknown>) {
  return {
    schema: '2.0',
    header: {
      event_id: input.eventId ?? randomUUID().replace(/-/g, ''),
      event_type: eventType,
      create_time: String(input.createTime ?? Date.now()),
      token: input.token,
      app_id: input.appId ?? FAKE_APP_ID,
      tenant_key: input.tenantKey ?? 'tenant_fake',
    },
    event,
  };
}

export interface MentionInput {
  openId: string;
  name: string;
  unionId?: string;
  userId?: string;
}

export interface MessageEventInput extends EnvelopeInput {
  /** Text with `@_user_N` placeholders for `mentions[N-1]`. */
  text?: string;
  /** Raw `content` object for non-text messages (serialised into the JSON string). */
  content?: Record<string, unknown>;
  messageType?: string;
  chatType?: 'p2p' | 'group';
  chatId?: string;
  messageId?: string;
  senderOpenId: string;
  senderUnionId?: string;
  senderUserId?: string;
  senderType?: string;
  mentions?: MentionInput[];
  threadId?: string;
}

/** `im.message.receive_v1`. */
export function buildMessageEvent(input: MessageEventInput) {
  const tenantKey = input.tenantKey ?? 'tenant_fake';
  const created = String(input.createTime ?? Date.now());
  return envelope('im.message.receive_v1', input, {
    sender: {
      sender_id: {
        union_id: input.senderUnionId ?? `on_${input.senderOpenId.slice(3)}`,
        user_id: input.senderUserId ?? 'u_fake',
        open_id: input.senderOpenId,
      },
      sender_type: input.senderType ?? 'user',
      tenant_key: tenantKey,
    },
    message: {
      message_id: input.messageId ?? `om_${randomBytes(12).toString('hex')}`,
      create_time: created,
      update_time: created,
      chat_id: input.chatId ?? 'oc_fake_chat',
      ...(input.threadId ? { thread_id: input.threadId } : {}),
      chat_type: input.chatType ?? 'p2p',
      message_type: input.messageType ?? 'text',
      content: JSON.stringify(input.content ?? { text: input.text ?? '' }),
      ...(input.mentions && input.mentions.length > 0
        ? {
            mentions: input.mentions.map((m, i) => ({
              key: `@_user_${i + 1}`,
              id: { union_id: m.unionId ?? `on_${m.openId.slice(3)}`, user_id: m.userId ?? '', open_id: m.openId },
              name: m.name,
              tenant_key: tenantKey,
            })),
          }
        : {}),
      user_agent: 'Mozilla/5.0 Lark/7.30.0',
    },
  });
}

export interface BotAddedInput extends EnvelopeInput {
  chatId: string;
  name?: string;
  operatorOpenId?: string;
}

/** `im.chat.member.bot.added_v1`. */
export function buildBotAddedEvent(input: BotAddedInput) {
  return envelope('im.chat.member.bot.added_v1', input, {
    chat_id: input.chatId,
    operator_id: { union_id: 'on_operator', user_id: 'u_operator', open_id: input.operatorOpenId ?? 'ou_operator' },
    external: false,
    operator_tenant_key: input.tenantKey ?? 'tenant_fake',
    ...(input.name ? { name: input.name } : {}),
  });
}

export interface CardActionInput extends EnvelopeInput {
  /** `action.value` as the button declared it. */
  value: unknown;
  operatorOpenId: string;
  operatorUnionId?: string;
  chatId?: string;
  cardMessageId?: string;
}

/** `card.action.trigger` (new card callback, schema 2.0). */
export function buildCardAction(input: CardActionInput) {
  return envelope('card.action.trigger', input, {
    operator: {
      tenant_key: input.tenantKey ?? 'tenant_fake',
      user_id: 'u_fake',
      union_id: input.operatorUnionId ?? `on_${input.operatorOpenId.slice(3)}`,
      open_id: input.operatorOpenId,
    },
    token: `c-${randomBytes(16).toString('hex')}`,
    action: { value: input.value, tag: 'button' },
    host: 'im_message',
    context: {
      open_message_id: input.cardMessageId ?? 'om_fake_card',
      ...(input.chatId ? { open_chat_id: input.chatId } : {}),
    },
  });
}

export function buildChallenge(token: string, challenge: string = randomUUID()) {
  return { challenge, token, type: 'url_verification' };
}

/** `{ "encrypt": base64(iv ‖ AES-256-CBC(key = SHA-256(encryptKey), PKCS7)) }`. */
export function encryptBody(obj: unknown, encryptKey: string, iv: Buffer = randomBytes(16)): { encrypt: string } {
  const key = createHash('sha256').update(encryptKey).digest();
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(obj), 'utf8'), cipher.final()]);
  return { encrypt: Buffer.concat([iv, data]).toString('base64') };
}

/** The three signature headers over exactly these body bytes. `timestamp` is in seconds. */
export function signHeaders(
  rawBody: string | Uint8Array,
  encryptKey: string,
  timestamp: number | string = Math.floor(Date.now() / 1000),
  nonce: string = randomBytes(8).toString('hex'),
): Record<string, string> {
  const ts = String(timestamp);
  const signature = createHash('sha256')
    .update(ts + nonce + encryptKey)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
  return { 'X-Lark-Request-Timestamp': ts, 'X-Lark-Request-Nonce': nonce, 'X-Lark-Signature': signature };
}

/** A ready-to-POST webhook request: encrypted and signed when an Encrypt Key is given, plain otherwise. */
export function feishuRequest(
  payload: unknown,
  encryptKey?: string,
  opts: { timestamp?: number; nonce?: string } = {},
): { method: 'POST'; body: string; headers: Record<string, string> } {
  const body = JSON.stringify(encryptKey ? encryptBody(payload, encryptKey) : payload);
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(encryptKey ? signHeaders(body, encryptKey, opts.timestamp, opts.nonce) : {}),
    },
  };
}
