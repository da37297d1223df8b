/**
 * A small fetch-based client for the DingTalk APIs the bot needs: the v1.0 access token (cached,
 * single-flight, refreshed early), robot 1:1 batch send, robot group send, session webhooks, and the
 * legacy media upload (`oapi` host, same token) that file messages need.
 * Neither the app secret nor the token is ever logged or put into an error message.
 */
import { z } from 'zod';
import { oapiBaseOf, type DingTalkConfig } from '../../config.ts';
import type { Logger } from '../../log.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export class DingTalkError extends Error {
  override name = 'DingTalkError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly detail: { status?: number; code?: string; retryAfterMs?: number; tokenRejected?: boolean } = {},
  ) {
    super(message);
  }
}

export interface BatchSendResult {
  processQueryKey?: string;
  invalidStaffIdList: string[];
  flowControlledStaffIdList: string[];
}

export interface DingTalkClient {
  accessToken(): Promise<string>;
  batchSendOto(input: { userIds: string[]; msgKey: string; msgParam: string }): Promise<BatchSendResult>;
  sendGroup(input: { openConversationId: string; msgKey: string; msgParam: string }): Promise<{ processQueryKey?: string }>;
  /** Uploads a file (`POST /media/upload?type=file`, multipart field `media`) and returns its media_id. */
  uploadFile(input: { fileName: string; content: Uint8Array }): Promise<string>;
  /** Posts to a session webhook. Resolves with DingTalk's errcode (0 = sent); throws DingTalkError on HTTP/network failure. */
  sendSessionWebhook(url: string, body: unknown): Promise<{ errcode: number; errmsg?: string }>;
}

export interface DingTalkClientOptions {
  config: DingTalkConfig;
  log: Logger;
  fetch?: FetchLike;
  now?: () => number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Refresh the token this long before it expires (default 5 min). */
  tokenRefreshMarginMs?: number;
}

/** media/upload takes files of at most 20 MB. */
export const MAX_MEDIA_FILE_BYTES = 20 * 1024 * 1024;

/** Max userIds per oToMessages/batchSend call. */
export const BATCH_SEND_MAX_USERS = 20;

const TokenSchema = z.object({ accessToken: z.string().min(1), expireIn: z.coerce.number().positive() });
const BatchSendSchema = z.object({
  processQueryKey: z.string().nullish(),
  invalidStaffIdList: z.array(z.string()).nullish(),
  flowControlledStaffIdList: z.array(z.string()).nullish(),
});
const ErrorBodySchema = z.object({ code: z.string().optional(), message: z.string().optional() }).passthrough();
const MediaReplySchema = z.object({ errcode: z.coerce.number().optional(), errmsg: z.string().optional(), media_id: z.string().optional() }).passthrough();
/** Legacy-API errcodes meaning the token is bad or expired: fetch a new one and try once more. */
const OAPI_TOKEN_ERRCODES = new Set([40001, 40014, 42001]);
const WebhookReplySchema = z.object({ errcode: z.coerce.number().optional(), errmsg: z.string().optional() }).passthrough();

export function createDingTalkClient(opts: DingTalkClientOptions): DingTalkClient {
  const doFetch: FetchLike = opts.fetch ?? ((input, init) => fetch(input, init));
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const margin = opts.tokenRefreshMarginMs ?? 5 * 60_000;
  const base = opts.config.apiBase.replace(/\/+$/, '');
  const log = opts.log;

  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function call(url: string, init: RequestInit, what: string): Promise<unknown> {
    let res: Response;
    try {
      res = await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new DingTalkError(`${what}: ${timedOut ? 'timed out' : 'network error'}`, true);
    }
    const text = await res.text().catch(() => '');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = undefined;
    }
    if (!res.ok) throw httpError(what, res, body);
    if (body === undefined) throw new DingTalkError(`${what}: response is not JSON (HTTP ${res.status})`, true, { status: res.status });
    return body;
  }

  async function fetchToken(): Promise<string> {
    let body: unknown;
    try {
      body = await call(
        `${base}/v1.0/oauth2/accessToken`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ appKey: opts.config.appKey, appSecret: opts.config.appSecret }),
        },
        'dingtalk accessToken',
      );
    } catch (err) {
      // A rejected app key/secret is a configuration error an admin can fix: keep the messages
      // retryable rather than parking them for good.
      const e = err instanceof DingTalkError ? err : new DingTalkError('dingtalk accessToken: failed', true);
      log.error('dingtalk access token request failed', { error: e.message, status: e.detail.status });
      throw new DingTalkError(e.message, true, { ...e.detail, tokenRejected: false });
    }
    const parsed = TokenSchema.safeParse(body);
    if (!parsed.success) throw new DingTalkError('dingtalk accessToken: unexpected response', true);
    cached = { token: parsed.data.accessToken, expiresAt: now() + parsed.data.expireIn * 1000 };
    log.info('dingtalk access token refreshed', { expiresInSec: parsed.data.expireIn });
    return parsed.data.accessToken;
  }

  function accessToken(): Promise<string> {
    if (cached && now() < cached.expiresAt - margin) return Promise.resolve(cached.token);
    // Single flight: concurrent callers share one token request.
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  /** Calls a v1.0 API with the token; a rejected token is dropped and the call retried once. */
  async function withToken(path: string, payload: unknown, what: string): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await accessToken();
      try {
        return await call(
          `${base}${path}`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/json',
              'x-acs-dingtalk-access-token': token,
            },
            body: JSON.stringify(payload),
          },
          what,
        );
      } catch (err) {
        if (err instanceof DingTalkError && err.detail.tokenRejected && attempt === 0) {
          if (cached?.token === token) cached = undefined;
          log.warn('dingtalk token rejected, refreshing', { api: what });
          continue;
        }
        throw err;
      }
    }
  }

  return {
    accessToken,

    async batchSendOto({ userIds, msgKey, msgParam }) {
      if (userIds.length === 0 || userIds.length > BATCH_SEND_MAX_USERS) {
        throw new DingTalkError(`batchSend takes 1–${BATCH_SEND_MAX_USERS} userIds, got ${userIds.length}`, false);
      }
      const body = await withToken(
        '/v1.0/robot/oToMessages/batchSend',
        { robotCode: opts.config.robotCode, userIds, msgKey, msgParam },
        'dingtalk batchSend',
      );
      const parsed = BatchSendSchema.safeParse(body);
      if (!parsed.success) throw new DingTalkError('dingtalk batchSend: unexpected response', true);
      return {
        ...(parsed.data.processQueryKey ? { processQueryKey: parsed.data.processQueryKey } : {}),
        invalidStaffIdList: parsed.data.invalidStaffIdList ?? [],
        flowControlledStaffIdList: parsed.data.flowControlledStaffIdList ?? [],
      };
    },

    async sendGroup({ openConversationId, msgKey, msgParam }) {
      const body = (await withToken(
        '/v1.0/robot/groupMessages/send',
        { openConversationId, robotCode: opts.config.robotCode, msgKey, msgParam },
        'dingtalk groupMessages/send',
      )) as { processQueryKey?: unknown };
      return typeof body.processQueryKey === 'string' ? { processQueryKey: body.processQueryKey } : {};
    },

    async uploadFile({ fileName, content }) {
      if (content.length === 0 || content.length > MAX_MEDIA_FILE_BYTES) {
        throw new DingTalkError(`dingtalk media/upload: a file of ${content.length} bytes cannot be uploaded (1 byte to 20 MB)`, false);
      }
      for (let attempt = 0; ; attempt++) {
        const token = await accessToken();
        const form = new FormData();
        form.append('media', new Blob([content.slice()]), fileName);
        // The legacy API takes the token in the query string: keep the URL out of every error message.
        const body = await call(
          `${oapiBaseOf(opts.config)}/media/upload?access_token=${encodeURIComponent(token)}&type=file`,
          { method: 'POST', headers: { accept: 'application/json' }, body: form },
          'dingtalk media/upload',
        );
        const parsed = MediaReplySchema.safeParse(body);
        if (!parsed.success) throw new DingTalkError('dingtalk media/upload: unexpected response', true);
        const { errcode = 0, errmsg, media_id: mediaId } = parsed.data;
        if (errcode === 0 && mediaId) return mediaId;
        if (OAPI_TOKEN_ERRCODES.has(errcode) && attempt === 0) {
          if (cached?.token === token) cached = undefined;
          log.warn('dingtalk token rejected, refreshing', { api: 'media/upload' });
          continue;
        }
        // -1 is "system busy", 90xxx are DingTalk's flow-control codes; anything else will not change on retry.
        const retryable = errcode === -1 || (errcode >= 90000 && errcode < 91000) || errcode === 0;
        throw new DingTalkError(`dingtalk media/upload: errcode ${errcode}${errmsg ? ` ${errmsg.slice(0, 200)}` : ''}`, retryable, { code: String(errcode) });
      }
    },

    async sendSessionWebhook(url, payload) {
      // The official Python SDK sends no token header to a session webhook; the URL is the credential.
      const body = await call(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(payload),
        },
        'dingtalk sessionWebhook',
      );
      const parsed = WebhookReplySchema.safeParse(body);
      if (!parsed.success) throw new DingTalkError('dingtalk sessionWebhook: unexpected response', true);
      return { errcode: parsed.data.errcode ?? 0, ...(parsed.data.errmsg ? { errmsg: parsed.data.errmsg } : {}) };
    },
  };
}

function httpError(what: string, res: Response, body: unknown): DingTalkError {
  const parsed = ErrorBodySchema.safeParse(body);
  const code = parsed.success ? parsed.data.code : undefined;
  const message = parsed.success && parsed.data.message ? `: ${parsed.data.message.slice(0, 200)}` : '';
  const status = res.status;
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  const throttled = status === 429 || /qpslimit|throttl|flowcontrol|ratelimit/i.test(code ?? '');
  const tokenRejected = status === 401 || /invalidauthentication|accesstoken|token/i.test(code ?? '');
  const retryable = throttled || status >= 500 || status === 408;
  return new DingTalkError(`${what}: HTTP ${status}${code ? ` ${code}` : ''}${message}`, retryable, {
    status,
    ...(code ? { code } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(tokenRejected && !throttled ? { tokenRejected: true } : {}),
  });
}

function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
