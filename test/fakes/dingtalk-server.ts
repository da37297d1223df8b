/**
 * A fake DingTalk on loopback: the v1.0 access token, robot 1:1 batch send, robot group send, session
 * webhooks and the legacy media upload (`/media/upload`, bytes kept as received), all on one HTTP server, with programmable failures. Payloads follow the shapes
 * in /work/shared/reference/dingtalk.md (§1–§3).
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMultipart } from './multipart.ts';

export type FailKind = 'http500' | 'http429' | 'reset' | 'timeout';

export interface FakeCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export type SentMessage =
  | { via: 'oto'; userIds: string[]; robotCode: string; msgKey: string; msgParam: Record<string, unknown> }
  | { via: 'group'; openConversationId: string; robotCode: string; msgKey: string; msgParam: Record<string, unknown> }
  | { via: 'session'; session: string; body: Record<string, unknown> };

/** A file received by POST /media/upload. */
export interface UploadedMedia {
  mediaId: string;
  type: string;
  fileName: string;
  content: Buffer;
}

export interface FakeDingTalk {
  baseUrl: string;
  uploads(): UploadedMedia[];
  /** A session webhook on this server; an expired one answers errcode 300001. */
  sessionWebhookUrl(id: string, expired?: boolean): string;
  /** Expire a session webhook handed out earlier. */
  expireSession(id: string): void;
  calls: FakeCall[];
  /** Messages delivered (ids that were invalid or flow-controlled are not delivered). */
  sent(): SentMessage[];
  /** The next batchSend calls report these ids (each once) as flow-controlled and do not deliver to them. */
  flowControlNext(ids: string[]): void;
  /** These ids are never valid staff ids: reported in invalidStaffIdList. */
  markInvalid(ids: string[]): void;
  /** The next matching request (any path by default) fails this way. */
  failNext(kind: FailKind, opts?: { path?: string; times?: number }): void;
  /** Tokens issued so far. */
  tokenRequests(): number;
  /** Every token issued so far is rejected from now on (HTTP 401 InvalidAuthentication). */
  revokeTokens(): void;
  close(): Promise<void>;
}

export interface FakeDingTalkOptions {
  appKey?: string;
  appSecret?: string;
  robotCode?: string;
  /** expireIn of issued tokens, seconds (default 7200). */
  tokenExpireIn?: number;
}

export async function startFakeDingTalk(opts: FakeDingTalkOptions = {}): Promise<FakeDingTalk> {
  const calls: FakeCall[] = [];
  const delivered: SentMessage[] = [];
  const expired = new Set<string>();
  const invalid = new Set<string>();
  const flowControlled = new Set<string>();
  const failures: { kind: FailKind; path?: string; times: number }[] = [];
  const validTokens = new Set<string>();
  const hanging = new Set<ServerResponse>();
  let tokenCount = 0;
  let processKey = 0;
  const uploads: UploadedMedia[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { code: 'fake.internal', message: String(err) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const bytes = await readBody(req);
    const multipart = /multipart\/form-data/i.test(req.headers['content-type'] ?? '');
    const text = multipart ? '[multipart]' : bytes.toString('utf8');
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    calls.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
    });

    const failure = failures.find((f) => !f.path || f.path === url.pathname);
    if (failure) {
      if (--failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
      switch (failure.kind) {
        case 'http500':
          return json(res, 500, { code: 'ServiceUnavailable', message: 'fake failure' });
        case 'http429':
          res.setHeader('retry-after', '2');
          return json(res, 429, { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: '调用频率超限' });
        case 'reset':
          req.socket.destroy();
          return;
        case 'timeout':
          hanging.add(res);
          return;
      }
    }

    const b = (body ?? {}) as Record<string, unknown>;
    if (req.method !== 'POST') return json(res, 405, { code: 'MethodNotAllowed' });

    if (url.pathname === '/v1.0/oauth2/accessToken') {
      if ((opts.appKey && b.appKey !== opts.appKey) || (opts.appSecret && b.appSecret !== opts.appSecret)) {
        return json(res, 400, { code: 'invalidClientSecret', message: '无效的appSecret' });
      }
      const token = `fake-token-${++tokenCount}`;
      validTokens.add(token);
      return json(res, 200, { accessToken: token, expireIn: opts.tokenExpireIn ?? 7200 });
    }

    if (url.pathname === '/robot/sendBySession') {
      const session = url.searchParams.get('session') ?? '';
      if (!session || expired.has(session)) return json(res, 200, { errcode: 300001, errmsg: 'session 不存在' });
      delivered.push({ via: 'session', session, body: b });
      return json(res, 200, { errcode: 0, errmsg: 'ok' });
    }

    if (url.pathname === '/media/upload') {
      // The legacy API: the token in the query string, errors as HTTP 200 + errcode.
      if (!validTokens.has(url.searchParams.get('access_token') ?? '')) return json(res, 200, { errcode: 40014, errmsg: '不合法的access_token' });
      const type = url.searchParams.get('type') ?? '';
      if (!['image', 'voice', 'video', 'file'].includes(type)) return json(res, 200, { errcode: 40004, errmsg: '不合法的媒体文件类型' });
      const media = multipart ? parseMultipart(bytes, req.headers['content-type']).find((p) => p.name === 'media') : undefined;
      if (!media?.filename) return json(res, 200, { errcode: 41001, errmsg: '缺少media参数' });
      if (media.data.length === 0 || media.data.length > 20 * 1024 * 1024) return json(res, 200, { errcode: 40006, errmsg: '不合法的文件大小' });
      const mediaId = `@lAfake${uploads.length + 1}`;
      uploads.push({ mediaId, type, fileName: media.filename, content: media.data });
      return json(res, 200, { errcode: 0, errmsg: 'ok', type, media_id: mediaId, created_at: Date.now() });
    }

    const token = req.headers['x-acs-dingtalk-access-token'];
    if (typeof token !== 'string' || !validTokens.has(token)) {
      return json(res, 401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
    }
    if (opts.robotCode && b.robotCode !== opts.robotCode) {
      return json(res, 400, { code: 'invalidParameter.robotCode', message: 'robotCode 不存在' });
    }
    let msgParam: Record<string, unknown>;
    try {
      msgParam = JSON.parse(String(b.msgParam)) as Record<string, unknown>;
    } catch {
      return json(res, 400, { code: 'invalidParameter.msgParam', message: 'msgParam 不是 JSON 字符串' });
    }
    if (typeof b.msgKey !== 'string') return json(res, 400, { code: 'invalidParameter.msgKey' });
    if (b.msgKey === 'sampleFile' && !uploads.some((u) => u.mediaId === msgParam.mediaId)) {
      return json(res, 400, { code: 'invalidParameter.mediaId', message: 'mediaId 不存在' });
    }

    if (url.pathname === '/v1.0/robot/oToMessages/batchSend') {
      const userIds = b.userIds;
      if (!Array.isArray(userIds) || userIds.length === 0 || userIds.length > 20) {
        return json(res, 400, { code: 'invalidParameter.userIds', message: 'userIds 数量须在 1-20 之间' });
      }
      const ids = userIds.map(String);
      const invalidList = ids.filter((id) => invalid.has(id));
      const throttledList = ids.filter((id) => !invalid.has(id) && flowControlled.has(id));
      for (const id of throttledList) flowControlled.delete(id);
      const ok = ids.filter((id) => !invalidList.includes(id) && !throttledList.includes(id));
      if (ok.length > 0) delivered.push({ via: 'oto', userIds: ok, robotCode: String(b.robotCode), msgKey: b.msgKey, msgParam });
      return json(res, 200, {
        processQueryKey: `pqk-${++processKey}`,
        invalidStaffIdList: invalidList,
        flowControlledStaffIdList: throttledList,
      });
    }

    if (url.pathname === '/v1.0/robot/groupMessages/send') {
      if (typeof b.openConversationId !== 'string' || !b.openConversationId) {
        return json(res, 400, { code: 'invalidParameter.openConversationId' });
      }
      if (Buffer.byteLength(String(b.msgParam)) > 15_000) {
        return json(res, 400, { code: 'invalidParameter.msgParam', message: 'msgParam 超过 15000 字节' });
      }
      delivered.push({
        via: 'group',
        openConversationId: b.openConversationId,
        robotCode: String(b.robotCode),
        msgKey: b.msgKey,
        msgParam,
      });
      return json(res, 200, { processQueryKey: `pqk-${++processKey}` });
    }

    return json(res, 404, { code: 'NotFound', message: url.pathname });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    uploads: () => [...uploads],
    sessionWebhookUrl(id, isExpired = false) {
      if (isExpired) expired.add(id);
      return `${baseUrl}/robot/sendBySession?session=${encodeURIComponent(id)}`;
    },
    expireSession(id) {
      expired.add(id);
    },
    calls,
    sent: () => [...delivered],
    flowControlNext(ids) {
      for (const id of ids) flowControlled.add(id);
    },
    markInvalid(ids) {
      for (const id of ids) invalid.add(id);
    },
    failNext(kind, o = {}) {
      failures.push({ kind, ...(o.path ? { path: o.path } : {}), times: o.times ?? 1 });
    },
    tokenRequests: () => tokenCount,
    revokeTokens() {
      validTokens.clear();
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** DingTalk's callback signature, computed independently of src/: base64(HmacSHA256(secret, ts + "\n" + secret)). */
export function signDingTalk(timestamp: string | number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

/** Headers of a correctly signed robot callback sent at `nowMs`. */
export function signedHeaders(secret: string, nowMs: number): Record<string, string> {
  const timestamp = String(nowMs);
  return { 'content-type': 'application/json; charset=utf-8', timestamp, sign: signDingTalk(timestamp, secret) };
}

export interface RobotCallbackInput {
  msgId?: string;
  /** Message text as DingTalk sends it (the @bot mention already removed, a leading space left). */
  text?: string;
  msgtype?: string;
  conversationType?: '1' | '2';
  conversationId?: string;
  conversationTitle?: string;
  /** `null` = a sender outside the organisation (no senderStaffId). */
  senderStaffId?: string | null;
  senderUnionId?: string;
  senderNick?: string;
  corpId?: string;
  chatbotUserId?: string;
  robotCode?: string;
  atUsers?: { dingtalkId: string; staffId?: string; unionId?: string }[];
  createAt?: number;
  sessionWebhook?: string;
  sessionWebhookExpiredTime?: number;
  /** Extra or overriding raw fields. */
  extra?: Record<string, unknown>;
}

let callbackSeq = 0;

/** A robot callback body (HTTP POST body = Stream `data`), shaped like DingTalk's official example. */
export function buildRobotCallback(input: RobotCallbackInput = {}): Record<string, unknown> {
  const createAt = input.createAt ?? Date.now();
  const type = input.conversationType ?? '1';
  const chatbotUserId = input.chatbotUserId ?? '$:LWCP_v1:$BOTbotBOT';
  const corpId = input.corpId ?? 'dingcorp0001';
  const body: Record<string, unknown> = {
    conversationId: input.conversationId ?? (type === '2' ? 'cidGroup0001==' : 'cidPrivate0001=='),
    chatbotCorpId: corpId,
    chatbotUserId,
    msgId: input.msgId ?? `msg0${++callbackSeq}${Math.random().toString(36).slice(2, 8)}`,
    senderNick: input.senderNick ?? '张三',
    isAdmin: false,
    sessionWebhookExpiredTime: input.sessionWebhookExpiredTime ?? createAt + 5_400_000,
    createAt,
    senderCorpId: corpId,
    conversationType: type,
    senderId: '$:LWCP_v1:$SENDERsender',
    sessionWebhook: input.sessionWebhook ?? 'https://oapi.dingtalk.com/robot/sendBySession?session=fake',
    robotCode: input.robotCode ?? 'dingrobot0001',
    msgtype: input.msgtype ?? 'text',
  };
  if (input.senderStaffId !== null) body.senderStaffId = input.senderStaffId ?? 'user123';
  if (input.senderUnionId) body.senderUnionId = input.senderUnionId;
  if (type === '2') {
    body.conversationTitle = input.conversationTitle ?? '第一党支部';
    body.isInAtList = true;
    body.atUsers = input.atUsers ?? [{ dingtalkId: chatbotUserId }];
  }
  if ((input.msgtype ?? 'text') === 'text') body.text = { content: input.text ?? ' 帮助' };
  return { ...body, ...input.extra };
}
