/**
 * The DingTalk robot callback JSON (identical over HTTP and Stream) → a neutral ChatMessage.
 *
 * Only text messages from organisation members are ingested. Everything else is either answered
 * with a short polite notice (non-text content, senders outside the organisation) or ignored.
 */
import { z } from 'zod';
import type { ChatMessage, PlatformUser, Recipient, Reply } from '../../bot/types.ts';
import type { Outbound } from '../types.ts';

/** One reply the adapter asks the core to enqueue in the outbox (not a command result). */
export interface NotifyItem {
  recipient: Recipient;
  reply: Reply;
  dedupeKey: string;
  inReplyTo?: Outbound['inReplyTo'];
  /** Always 'reply' here: an answer to someone who just wrote, never held for quiet hours. */
  kind?: 'reply';
}
export type Notify = (item: NotifyItem) => Promise<void>;

/** Epoch ms; DingTalk documents these as strings but sends numbers in its examples. */
const epochMs = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
const optStr = z.string().nullish();

const AtUserSchema = z.object({
  dingtalkId: optStr,
  staffId: optStr,
  unionId: optStr,
});

export const RobotCallbackSchema = z.object({
  msgId: z.string().min(1),
  msgtype: z.string().min(1),
  conversationId: z.string().min(1),
  conversationType: z.union([z.string(), z.number()]).transform(String),
  conversationTitle: optStr,
  text: z.object({ content: z.string() }).nullish(),
  senderId: optStr,
  senderStaffId: optStr,
  senderUnionId: optStr,
  senderNick: optStr,
  senderCorpId: optStr,
  chatbotCorpId: optStr,
  chatbotUserId: optStr,
  robotCode: optStr,
  isInAtList: z.boolean().nullish(),
  atUsers: z.array(AtUserSchema).nullish(),
  createAt: epochMs.nullish(),
  sessionWebhook: optStr,
  sessionWebhookExpiredTime: epochMs.nullish(),
});
export type RobotCallback = z.infer<typeof RobotCallbackSchema>;

export const OUTSIDER_REFUSAL = '抱歉，仅本单位通讯录内的人员可以使用党支部助手。如需使用，请联系本单位管理员将您加入企业通讯录。';
export const UNSUPPORTED_PRIVATE = '抱歉，党支部助手目前只能处理文字消息。请直接输入文字命令，例如「帮助」。';
export const UNSUPPORTED_GROUP = '抱歉，党支部助手目前只能处理文字消息。请 @我 并输入文字命令，例如「帮助」。';

export type DecodeResult =
  | { kind: 'message'; message: ChatMessage }
  /** Not ingested; answer politely with `notice` (sent through the outbox). */
  | { kind: 'notice'; reason: 'outsider' | 'unsupported'; msgId: string; notice?: NotifyItem }
  | { kind: 'ignore'; reason: 'invalid-shape' | 'unknown-conversation' | 'no-tenant'; msgId?: string; detail?: string };

/** The reply hint carried from the inbound message to the sender (opaque to the core). */
export interface DingTalkReplyHint {
  sessionWebhook: string;
  sessionWebhookExpiredTime: number;
}

export function decodeRobotCallback(raw: unknown, opts: { now: Date }): DecodeResult {
  const parsed = RobotCallbackSchema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    const msgId = typeof (raw as { msgId?: unknown } | null)?.msgId === 'string' ? (raw as { msgId: string }).msgId : undefined;
    return { kind: 'ignore', reason: 'invalid-shape', msgId, detail };
  }
  const m = parsed.data;
  const chatKind = m.conversationType === '1' ? 'private' : m.conversationType === '2' ? 'group' : undefined;
  if (!chatKind) return { kind: 'ignore', reason: 'unknown-conversation', msgId: m.msgId, detail: m.conversationType };

  const tenantKey = m.chatbotCorpId || m.senderCorpId;
  if (!tenantKey) return { kind: 'ignore', reason: 'no-tenant', msgId: m.msgId };

  const hint = replyHintOf(m);
  const inReplyTo: Outbound['inReplyTo'] = { messageId: m.msgId, chatKind, ...(hint ? { hint: { ...hint } } : {}) };

  const staffId = m.senderStaffId?.trim();
  if (!staffId) {
    // Outside the organisation (or the robot is not published yet): never ingested. In a group we
    // can always answer the chat; in a 1:1 chat only the session webhook can reach an outsider.
    const recipient: Recipient | undefined =
      chatKind === 'group'
        ? { platform: 'dingtalk', kind: 'chat', id: m.conversationId, tenantKey }
        : hint && m.senderId
          ? { platform: 'dingtalk', kind: 'user', id: m.senderId, tenantKey }
          : undefined;
    return {
      kind: 'notice',
      reason: 'outsider',
      msgId: m.msgId,
      notice: recipient && {
        recipient,
        reply: { kind: 'text', text: OUTSIDER_REFUSAL },
        dedupeKey: `dingtalk:refuse:${m.msgId}`,
        inReplyTo,
        kind: 'reply',
      },
    };
  }

  if (m.msgtype !== 'text' || !m.text) {
    const recipient: Recipient =
      chatKind === 'group'
        ? { platform: 'dingtalk', kind: 'chat', id: m.conversationId, tenantKey }
        : { platform: 'dingtalk', kind: 'user', id: staffId, tenantKey };
    return {
      kind: 'notice',
      reason: 'unsupported',
      msgId: m.msgId,
      notice: {
        recipient,
        reply: { kind: 'text', text: chatKind === 'group' ? UNSUPPORTED_GROUP : UNSUPPORTED_PRIVATE },
        dedupeKey: `dingtalk:unsupported:${m.msgId}`,
        inReplyTo,
        kind: 'reply',
      },
    };
  }

  const sender: PlatformUser = { userId: staffId };
  if (m.senderUnionId) sender.unionId = m.senderUnionId;
  if (m.senderNick) sender.name = m.senderNick;

  const message: ChatMessage = {
    platform: 'dingtalk',
    tenantKey,
    messageId: m.msgId,
    chat: { id: m.conversationId, kind: chatKind, ...(chatKind === 'group' && m.conversationTitle ? { title: m.conversationTitle } : {}) },
    sender,
    // DingTalk already strips the @bot mention but leaves the space before it (" 你好").
    text: m.text.content.trim(),
    mentions: mentionsOf(m),
    receivedAt: typeof m.createAt === 'number' && m.createAt > 0 ? new Date(m.createAt) : opts.now,
    ...(hint ? { replyHint: { ...hint } } : {}),
  };
  return { kind: 'message', message };
}

function replyHintOf(m: RobotCallback): DingTalkReplyHint | undefined {
  if (!m.sessionWebhook || typeof m.sessionWebhookExpiredTime !== 'number') return undefined;
  return { sessionWebhook: m.sessionWebhook, sessionWebhookExpiredTime: m.sessionWebhookExpiredTime };
}

/** @-mentioned organisation members in order, without the bot itself and without duplicates. */
function mentionsOf(m: RobotCallback): PlatformUser[] {
  const out: PlatformUser[] = [];
  const seen = new Set<string>();
  for (const u of m.atUsers ?? []) {
    const staffId = u.staffId?.trim();
    if (!staffId || seen.has(staffId)) continue;
    if (m.chatbotUserId && u.dingtalkId === m.chatbotUserId) continue;
    seen.add(staffId);
    out.push(u.unionId ? { userId: staffId, unionId: u.unionId } : { userId: staffId });
  }
  return out;
}

/** Reads a reply hint back from an outbox row (it went through the database as JSON). */
export function parseReplyHint(hint: Record<string, unknown> | undefined): DingTalkReplyHint | undefined {
  if (!hint) return undefined;
  const url = hint.sessionWebhook;
  const exp = hint.sessionWebhookExpiredTime;
  const expMs = typeof exp === 'number' ? exp : typeof exp === 'string' && /^\d+$/.test(exp) ? Number(exp) : NaN;
  if (typeof url !== 'string' || !url || !Number.isFinite(expMs)) return undefined;
  return { sessionWebhook: url, sessionWebhookExpiredTime: expMs };
}
