/**
 * Sends outbox rows to DingTalk.
 *
 * A reply goes through the inbound message's session webhook while it is safely valid
 * (now < sessionWebhookExpiredTime − 5 min) and points at DingTalk; otherwise, on errcode 300001
 * (session gone) or any other definitive webhook error, and for proactive messages, it goes through
 * the robot OpenAPI: users via oToMessages/batchSend (rows with identical content share calls of at
 * most 20 ids), chats via groupMessages/send. One SendResult per row, in order.
 *
 * A file reply always takes the OpenAPI (a session webhook cannot carry files): the file is uploaded
 * (media/upload), its caption sent as text, then a `sampleFile` message with the media id.
 */
import type { DingTalkConfig } from '../../config.ts';
import type { FileReply } from '../../bot/types.ts';
import type { FileSource } from '../../files/export-files.ts';
import type { Logger } from '../../log.ts';
import type { Outbound, Pace, PlatformSender, SendResult } from '../types.ts';
import {
  BATCH_SEND_MAX_USERS,
  createDingTalkClient,
  DingTalkError,
  type DingTalkClient,
  type FetchLike,
} from './client.ts';
import { parseReplyHint } from './decode.ts';
import { renderForRobotApi, renderForSessionWebhook, type ChatKind } from './render.ts';

export interface DingTalkSenderOptions {
  config: DingTalkConfig;
  log: Logger;
  fetch?: FetchLike;
  now?: () => Date;
  /** Stop using a session webhook this long before it expires (default 5 min). */
  webhookSafetyMarginMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Render buttons as dtmd sendMessage links in 1:1 chats (default true; the text command is always shown). */
  buttonLinks?: boolean;
  /** A ready client (tests); built from the options otherwise. */
  client?: DingTalkClient;
  /** Where file replies' bytes are read from; without it a file reply fails. */
  files?: FileSource;
}

export const WEBHOOK_SAFETY_MARGIN_MS = 5 * 60_000;
/** DingTalk's answer on an expired or unknown session webhook. */
export const ERRCODE_SESSION_GONE = 300001;

export function createDingTalkSender(opts: DingTalkSenderOptions): PlatformSender {
  const now = opts.now ?? (() => new Date());
  const log = opts.log.child({ platform: 'dingtalk', component: 'sender' });
  const margin = opts.webhookSafetyMarginMs ?? WEBHOOK_SAFETY_MARGIN_MS;
  const client =
    opts.client ??
    createDingTalkClient({
      config: opts.config,
      log,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      now: () => now().getTime(),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
  const trustedOrigin = originOf(opts.config.apiBase);

  /** A session webhook URL we are willing to POST to: DingTalk's own hosts, or the configured API origin. */
  function trustedWebhook(url: string): boolean {
    try {
      const u = new URL(url);
      if (u.origin === trustedOrigin) return true;
      return u.protocol === 'https:' && /(^|\.)dingtalk\.(com|io)$/i.test(u.hostname);
    } catch {
      return false;
    }
  }

  /** 'api' = use the OpenAPI for this row now; otherwise the row's final result. */
  async function viaWebhook(item: Outbound, pace: Pace): Promise<SendResult | 'api'> {
    if (item.reply.kind === 'file') return 'api';
    const hint = parseReplyHint(item.inReplyTo?.hint);
    if (!hint) return 'api';
    if (now().getTime() >= hint.sessionWebhookExpiredTime - margin) {
      log.debug('session webhook (nearly) expired, using the API', { row: item.id });
      return 'api';
    }
    if (!trustedWebhook(hint.sessionWebhook)) {
      log.warn('session webhook host not trusted, using the API', { row: item.id });
      return 'api';
    }
    const body = renderForSessionWebhook(item.reply, {
      chatKind: chatKindOf(item),
      ...(opts.buttonLinks === false ? { buttonLinks: false } : {}),
    });
    try {
      const { errcode, errmsg } = await pace([item], () => client.sendSessionWebhook(hint.sessionWebhook, body));
      if (errcode === 0) return { ok: true };
      log.info('session webhook refused, using the API', { row: item.id, errcode, errmsg, sessionGone: errcode === ERRCODE_SESSION_GONE });
      return 'api';
    } catch (err) {
      return failure(err, item, 'session webhook');
    }
  }

  function failure(err: unknown, item: Outbound, via: string): SendResult {
    const e = err instanceof DingTalkError ? err : new DingTalkError(err instanceof Error ? err.message : String(err), true);
    log.warn('dingtalk send failed', { row: item.id, via, error: e.message, retryable: e.retryable });
    return e.retryable
      ? { ok: false, retryable: true, error: e.message, ...(e.detail.retryAfterMs !== undefined ? { retryAfterMs: e.detail.retryAfterMs } : {}) }
      : { ok: false, retryable: false, error: e.message };
  }

  async function sendToChat(item: Outbound, pace: Pace): Promise<SendResult> {
    const msg = renderForRobotApi(item.reply, { chatKind: 'group', ...(opts.buttonLinks === false ? { buttonLinks: false } : {}) });
    try {
      await pace([item], () => client.sendGroup({ openConversationId: item.recipient.id, ...msg }));
      return { ok: true };
    } catch (err) {
      return failure(err, item, 'groupMessages/send');
    }
  }

  /** One message to the row's recipient through the OpenAPI (file rows: their caption, then the file). */
  async function postTo(item: Outbound, msg: { msgKey: string; msgParam: string }, pace: Pace): Promise<SendResult> {
    const { recipient } = item;
    try {
      if (recipient.kind === 'chat') {
        await pace([item], () => client.sendGroup({ openConversationId: recipient.id, ...msg }));
        return { ok: true };
      }
      const res = await pace([item], () => client.batchSendOto({ userIds: [recipient.id], ...msg }));
      if (res.invalidStaffIdList.includes(recipient.id)) {
        log.warn('dingtalk recipient invalid (not in the organisation, or left it)', { row: item.id });
        return { ok: false, retryable: false, error: 'dingtalk: invalid staffId (invalidStaffIdList)' };
      }
      if (res.flowControlledStaffIdList.includes(recipient.id)) {
        log.info('dingtalk recipient flow-controlled, will retry', { row: item.id });
        return { ok: false, retryable: true, error: 'dingtalk: flow-controlled (flowControlledStaffIdList)' };
      }
      return { ok: true };
    } catch (err) {
      return failure(err, item, recipient.kind === 'chat' ? 'groupMessages/send' : 'oToMessages/batchSend');
    }
  }

  async function sendFile(item: Outbound, reply: FileReply, pace: Pace): Promise<SendResult> {
    const file = opts.files ? await opts.files(reply.fileId) : undefined;
    if (!file) return { ok: false, retryable: false, error: `dingtalk: file ${reply.fileId} is no longer stored` };
    let mediaId: string;
    try {
      mediaId = await client.uploadFile({ fileName: file.fileName, content: file.content });
    } catch (err) {
      return failure(err, item, 'media/upload');
    }
    if (reply.caption) {
      const sent = await postTo(item, renderForRobotApi({ kind: 'text', text: reply.caption }, { chatKind: chatKindOf(item) }), pace);
      if (!sent.ok) return sent;
    }
    const fileType = /\.([a-z0-9]+)$/i.exec(file.fileName)?.[1]?.toLowerCase() ?? 'file';
    return postTo(item, { msgKey: 'sampleFile', msgParam: JSON.stringify({ mediaId, fileName: file.fileName, fileType }) }, pace);
  }

  /** Rows for users with identical content share batchSend calls of at most 20 distinct ids. */
  async function sendToUsers(rows: { index: number; item: Outbound }[], results: SendResult[], pace: Pace): Promise<void> {
    const groups = new Map<string, { msgKey: string; msgParam: string; rows: { index: number; item: Outbound }[] }>();
    for (const row of rows) {
      const msg = renderForRobotApi(row.item.reply, { chatKind: 'private', ...(opts.buttonLinks === false ? { buttonLinks: false } : {}) });
      const key = `${msg.msgKey}\u0000${msg.msgParam}`;
      const group = groups.get(key) ?? { ...msg, rows: [] };
      group.rows.push(row);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      const ids = [...new Set(group.rows.map((r) => r.item.recipient.id))];
      for (let i = 0; i < ids.length; i += BATCH_SEND_MAX_USERS) {
        const chunk = ids.slice(i, i + BATCH_SEND_MAX_USERS);
        const chunkSet = new Set(chunk);
        const chunkRows = group.rows.filter((r) => chunkSet.has(r.item.recipient.id));
        try {
          const res = await pace(chunkRows.map((r) => r.item), () => client.batchSendOto({ userIds: chunk, msgKey: group.msgKey, msgParam: group.msgParam }));
          const invalid = new Set(res.invalidStaffIdList);
          const throttled = new Set(res.flowControlledStaffIdList);
          for (const r of chunkRows) {
            const id = r.item.recipient.id;
            if (invalid.has(id)) {
              // Row ids only: a recipient id next to a dedupe key could reveal who filed an anonymous item.
              log.warn('dingtalk recipient invalid (not in the organisation, or left it)', { row: r.item.id });
              results[r.index] = { ok: false, retryable: false, error: 'dingtalk: invalid staffId (invalidStaffIdList)' };
            } else if (throttled.has(id)) {
              log.info('dingtalk recipient flow-controlled, will retry', { row: r.item.id });
              results[r.index] = { ok: false, retryable: true, error: 'dingtalk: flow-controlled (flowControlledStaffIdList)' };
            } else {
              results[r.index] = { ok: true };
            }
          }
        } catch (err) {
          for (const r of chunkRows) results[r.index] = failure(err, r.item, 'oToMessages/batchSend');
        }
      }
    }
  }

  return {
    platform: 'dingtalk',
    async send(items, pace = (_, request) => request()) {
      const results: SendResult[] = new Array(items.length);
      const api: { index: number; item: Outbound }[] = [];

      await Promise.all(
        items.map(async (item, index) => {
          if (item.recipient.platform !== 'dingtalk') {
            results[index] = { ok: false, retryable: false, error: `not a DingTalk recipient (${item.recipient.platform})` };
            return;
          }
          const r = await viaWebhook(item, pace);
          if (r === 'api') api.push({ index, item });
          else results[index] = r;
        }),
      );

      api.sort((a, b) => a.index - b.index);
      for (const row of api) {
        const { reply, recipient } = row.item;
        if (reply.kind === 'file') results[row.index] = await sendFile(row.item, reply, pace);
        else if (recipient.kind === 'chat') results[row.index] = await sendToChat(row.item, pace);
      }
      await sendToUsers(api.filter((r) => r.item.recipient.kind === 'user' && r.item.reply.kind !== 'file'), results, pace);
      return results;
    },
  };
}

function chatKindOf(item: Outbound): ChatKind {
  if (item.inReplyTo) return item.inReplyTo.chatKind;
  return item.recipient.kind === 'chat' ? 'group' : 'private';
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
