/** Signed, stale, forged and malformed requests for every webhook endpoint, on the bot's own clock. */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { buildCardAction, buildMessageEvent, encryptBody, signHeaders } from '../../fakes/feishu-server.ts';
import { buildRobotCallback, signDingTalk } from '../../fakes/dingtalk-server.ts';
import { SECRETS } from './world.ts';

export const FEISHU_TENANT = 'tenant_hardening';
export const DINGTALK_CORP = 'dingcorp_hardening';

export interface Req {
  method: 'POST';
  body: string;
  headers: Record<string, string>;
}

const sec = (now: Date) => Math.floor(now.getTime() / 1000);

/** A Feishu webhook request: the payload encrypted and the raw bytes signed, at `at` (bot clock). */
export function feishu(payload: unknown, at: Date, opts: { rawBody?: string; key?: string; timestamp?: number } = {}): Req {
  const body = opts.rawBody ?? JSON.stringify(encryptBody(payload, SECRETS.FEISHU_ENCRYPT_KEY));
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...signHeaders(body, opts.key ?? SECRETS.FEISHU_ENCRYPT_KEY, opts.timestamp ?? sec(at)),
    },
  };
}

/** A Feishu payload whose inner JSON is `inner` verbatim (encrypted, signed): for truncated or mistyped bodies. */
export function feishuRawInner(inner: string, at: Date): Req {
  return feishu(undefined, at, { rawBody: JSON.stringify({ encrypt: encryptRaw(inner) }) });
}

/** AES-256-CBC of `text` as Feishu encrypts (encryptBody would JSON-encode it first). */
function encryptRaw(text: string): string {
  const key = createHash('sha256').update(SECRETS.FEISHU_ENCRYPT_KEY).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
}

export function feishuMessage(opts: { text: string; messageId?: string; openId?: string; eventId?: string; chatType?: 'p2p' | 'group' }) {
  return buildMessageEvent({
    token: SECRETS.FEISHU_VERIFICATION_TOKEN, tenantKey: FEISHU_TENANT, senderOpenId: opts.openId ?? 'ou_hardening_alice',
    text: opts.text, ...(opts.messageId ? { messageId: opts.messageId } : {}), ...(opts.eventId ? { eventId: opts.eventId } : {}),
    chatType: opts.chatType ?? 'p2p', chatId: 'oc_hardening_p2p',
  });
}

export function feishuCard(opts: { value: unknown; openId: string; eventId?: string; chatId?: string }) {
  return buildCardAction({
    token: SECRETS.FEISHU_VERIFICATION_TOKEN, tenantKey: FEISHU_TENANT, operatorOpenId: opts.openId, value: opts.value,
    ...(opts.eventId ? { eventId: opts.eventId } : {}), ...(opts.chatId ? { chatId: opts.chatId } : {}),
  });
}

/** A DingTalk robot callback, signed at `at` (bot clock) unless other headers are given. */
export function dingtalk(body: unknown, at: Date, opts: { rawBody?: string; timestamp?: number; secret?: string; headers?: Record<string, string> } = {}): Req {
  const timestamp = String(opts.timestamp ?? at.getTime());
  return {
    method: 'POST',
    body: opts.rawBody ?? JSON.stringify(body),
    headers: opts.headers ?? {
      'content-type': 'application/json; charset=utf-8',
      timestamp,
      sign: signDingTalk(timestamp, opts.secret ?? SECRETS.DINGTALK_APP_SECRET),
    },
  };
}

export function dingtalkMessage(at: Date, opts: { text?: string; msgId?: string; staffId?: string } = {}) {
  return buildRobotCallback({
    corpId: DINGTALK_CORP, text: opts.text ?? ' 帮助', createAt: at.getTime(), sessionWebhookExpiredTime: at.getTime() + 5_400_000,
    ...(opts.msgId ? { msgId: opts.msgId } : {}), senderStaffId: opts.staffId ?? 'staff_hardening_1',
  });
}
