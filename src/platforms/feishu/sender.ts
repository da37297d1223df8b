/**
 * Sends outbox rows to Feishu through the SDK: `im/v1/messages` (to a user by open_id or to a chat),
 * or `im/v1/messages/:id/reply` when answering a message in a group, so the question is quoted.
 *
 * Every send carries `uuid` = a hash of the row's dedupe key, so a retried send (after a timeout whose
 * request actually got through) never shows twice: Feishu drops repeats of a uuid for an hour.
 *
 * A file reply is uploaded first (`im/v1/files`, needs the `im:resource` scope), then its caption goes
 * out as text and the file as a `file` message, each with its own uuid, so a retry after a partial
 * send shows nothing twice.
 */
import { createHash } from 'node:crypto';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { FileReply } from '../../bot/types.ts';
import type { FeishuConfig } from '../../config.ts';
import type { FileSource } from '../../files/export-files.ts';
import type { Logger } from '../../log.ts';
import type { Outbound, PlatformSender, SendResult } from '../types.ts';
import { CODE_INVALID_TOKEN, createFeishuClient, feishuCode, FeishuTokenError } from './client.ts';
import { renderFeishu, type ActionTarget } from './render.ts';

/** Rate limited: HTTP 429 + this code, with `x-ogw-ratelimit-reset` seconds. */
export const CODE_RATE_LIMITED = 99991400;
/** im/v1/messages: "frequency limit" (per chat / per user). */
export const CODE_FREQUENCY_LIMIT = 230020;
/** im/v1/files: at most 30 MB, and no empty file. */
export const MAX_FILE_BYTES = 30 * 1024 * 1024;
/** How long a failed bot-info lookup is remembered before trying again. */
const BOT_INFO_RETRY_MS = 60_000;

export interface FeishuSenderOptions {
  config: FeishuConfig;
  log: Logger;
  /** Signs card button actions; the card routes must verify with the same key. */
  serverKey: string;
  httpInstance?: lark.HttpInstance;
  now?: () => Date;
  timeoutMs?: number;
  /** Where file replies' bytes are read from; without it a file reply fails. */
  files?: FileSource;
}

export type FeishuSender = PlatformSender & {
  /** The bot's own open_id (GET /open-apis/bot/v3/info), cached; undefined if it cannot be had. */
  botOpenId(): Promise<string | undefined>;
  close(): void;
};

/** A ≤ 50-character idempotency key for Feishu's `uuid`. */
export function feishuUuid(dedupeKey: string): string {
  return createHash('sha256').update(dedupeKey, 'utf8').digest('hex').slice(0, 40);
}

export function createFeishuSender(opts: FeishuSenderOptions): FeishuSender {
  const log = opts.log.child({ platform: 'feishu' });
  const now = opts.now ?? (() => new Date());
  const client = createFeishuClient({
    config: opts.config,
    log,
    ...(opts.httpInstance ? { httpInstance: opts.httpInstance } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  let closed = false;
  let bot: { openId?: string; at: number } | undefined;
  let botInflight: Promise<string | undefined> | undefined;

  async function sendOne(item: Outbound): Promise<SendResult> {
    const { recipient } = item;
    if (recipient.platform !== 'feishu') {
      return { ok: false, retryable: false, error: `not a Feishu recipient: ${recipient.platform}` };
    }
    if (item.reply.kind === 'file') return sendFile(item, item.reply);
    const target: ActionTarget = recipient.kind === 'user' ? { userId: recipient.id } : { chatId: recipient.id };
    const { msgType, content } = renderFeishu(item.reply, target, { serverKey: opts.serverKey, now: now() });
    return post(item, msgType, content, feishuUuid(item.dedupeKey));
  }

  async function sendFile(item: Outbound, reply: FileReply): Promise<SendResult> {
    const file = opts.files ? await opts.files(reply.fileId) : undefined;
    if (!file) return { ok: false, retryable: false, error: `feishu: file ${reply.fileId} is no longer stored` };
    if (file.content.length === 0 || file.content.length > MAX_FILE_BYTES) {
      return { ok: false, retryable: false, error: `feishu: file of ${file.content.length} bytes cannot be uploaded (1 byte to 30 MB)` };
    }
    let fileKey: string | undefined;
    try {
      const res = await client.call((o) =>
        client.sdk.im.v1.file.create({ data: { file_type: feishuFileType(file.fileName), file_name: file.fileName, file: file.content } }, o),
      );
      fileKey = res?.file_key;
    } catch (e) {
      return classifyError(e);
    }
    if (!fileKey) return { ok: false, retryable: true, error: 'feishu file upload returned no file_key' };
    if (reply.caption) {
      const caption = renderFeishu({ kind: 'text', text: reply.caption }, {}, { serverKey: opts.serverKey, now: now() });
      const sent = await post(item, caption.msgType, caption.content, feishuUuid(`${item.dedupeKey}:caption`));
      if (!sent.ok) return sent;
    }
    return post(item, 'file', JSON.stringify({ file_key: fileKey }), feishuUuid(item.dedupeKey));
  }

  async function post(item: Outbound, msgType: string, content: string, uuid: string): Promise<SendResult> {
    const { recipient } = item;
    const quote = item.inReplyTo?.chatKind === 'group' ? item.inReplyTo : undefined;
    try {
      const res = await client.call((o) =>
        quote
          ? client.sdk.im.v1.message.reply(
              {
                path: { message_id: quote.messageId },
                data: {
                  msg_type: msgType,
                  content,
                  uuid,
                  ...(typeof quote.hint?.threadId === 'string' ? { reply_in_thread: true } : {}),
                },
              },
              o,
            )
          : client.sdk.im.v1.message.create(
              {
                params: { receive_id_type: recipient.kind === 'user' ? 'open_id' : 'chat_id' },
                data: { receive_id: recipient.id, msg_type: msgType, content, uuid },
              },
              o,
            ),
      );
      if (res.code === 0) return { ok: true };
      return classify(res.code, res.msg, undefined, undefined);
    } catch (e) {
      return classifyError(e);
    }
  }

  async function fetchBotOpenId(): Promise<string | undefined> {
    try {
      const res = await client.call((o) =>
        client.sdk.request<{ code?: number; bot?: { open_id?: string } }>({ method: 'GET', url: '/open-apis/bot/v3/info' }, o),
      );
      const openId = res.code === 0 ? res.bot?.open_id : undefined;
      if (!openId) log.warn('feishu bot info has no open_id', { code: res.code });
      bot = { ...(openId ? { openId } : {}), at: Date.now() };
      return openId;
    } catch (e) {
      log.warn('feishu bot info failed', { error: describe(e) });
      bot = { at: Date.now() };
      return undefined;
    } finally {
      botInflight = undefined;
    }
  }

  return {
    platform: 'feishu',
    async send(items, pace = (_, request) => request()) {
      const results: SendResult[] = [];
      for (const item of items) {
        results.push(closed ? { ok: false, retryable: true, error: 'feishu sender closed' } : await pace([item], () => sendOne(item)));
      }
      return results;
    },
    botOpenId() {
      if (bot?.openId) return Promise.resolve(bot.openId);
      if (bot && Date.now() - bot.at < BOT_INFO_RETRY_MS) return Promise.resolve(undefined);
      botInflight ??= fetchBotOpenId();
      return botInflight;
    },
    close() {
      closed = true;
    },
  };
}

/** im/v1/files `file_type`: Office and PDF files by kind, anything else as `stream`. */
export function feishuFileType(fileName: string): 'xls' | 'doc' | 'ppt' | 'pdf' | 'stream' {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'xls' || ext === 'xlsx') return 'xls';
  if (ext === 'doc' || ext === 'docx') return 'doc';
  if (ext === 'ppt' || ext === 'pptx') return 'ppt';
  if (ext === 'pdf') return 'pdf';
  return 'stream';
}

type Failure = Extract<SendResult, { ok: false }>;

function classify(code: number | undefined, msg: string | undefined, status: number | undefined, resetHeader: unknown): Failure {
  const error = `feishu ${status ? `HTTP ${status} ` : ''}code ${code ?? '?'}${msg ? `: ${msg}` : ''}`;
  if (status === 429 || code === CODE_RATE_LIMITED || code === CODE_FREQUENCY_LIMIT) {
    const seconds = Number(resetHeader);
    return {
      ok: false,
      retryable: true,
      error,
      ...(resetHeader != null && Number.isFinite(seconds) && seconds >= 0 ? { retryAfterMs: Math.ceil(seconds * 1000) } : {}),
    };
  }
  // 5xx, or a token Feishu rejected even right after it was issued: try again later.
  if ((status !== undefined && status >= 500) || code === CODE_INVALID_TOKEN) return { ok: false, retryable: true, error };
  return { ok: false, retryable: false, error };
}

function classifyError(e: unknown): Failure {
  if (e instanceof FeishuTokenError) return { ok: false, retryable: e.retryable, error: e.message };
  const err = e as {
    response?: { status?: number; data?: { msg?: unknown }; headers?: Record<string, unknown> & { get?: (k: string) => unknown } };
  };
  const response = err?.response;
  if (!response) return { ok: false, retryable: true, error: `feishu request failed: ${describe(e)}` };
  const headers = response.headers;
  const reset = headers?.['x-ogw-ratelimit-reset'] ?? headers?.get?.('x-ogw-ratelimit-reset');
  const msg = typeof response.data?.msg === 'string' ? response.data.msg : undefined;
  return classify(feishuCode(e), msg, response.status, reset);
}

/** A short description of an error: its code/message, never its request (which holds the token). */
function describe(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown };
  return [err?.code, err?.message].filter((x) => typeof x === 'string' && x).join(' ') || String(e);
}
