/**
 * Feishu event payloads → neutral shapes. Pure functions shared by the webhook routes and the
 * long-connection client; neither transport decodes anything on its own.
 *
 * `event` is the v2 `event` object. The SDK's WS dispatcher hands handlers `{...header, ...event}`;
 * that flattened object works here too, because only event fields are read from it.
 */
import type { ChatMessage, PlatformUser } from '../../bot/types.ts';

export interface EventContext {
  /** `header.tenant_key`. */
  tenantKey?: string;
  now: Date;
  /** The bot's own open_id (from `/bot/v3/info`); undefined when it could not be fetched. */
  botOpenId?: string;
}

export type MessageDecode =
  | { kind: 'message'; message: ChatMessage }
  | { kind: 'ignored'; reason: IgnoreReason; messageType?: string };

export type IgnoreReason =
  | 'malformed'
  | 'not_from_user'
  | 'unsupported_type'
  | 'group_without_bot_mention'
  | 'empty';

interface RawMention {
  key?: string;
  id?: { open_id?: string; union_id?: string; user_id?: string };
  name?: string;
}

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `im.message.receive_v1` → a ChatMessage, or why it is not one. */
export function decodeMessageEvent(event: unknown, ctx: EventContext): MessageDecode {
  const ev = obj(event);
  const sender = obj(ev.sender);
  const senderId = obj(sender.sender_id);
  const message = obj(ev.message);

  const messageId = str(message.message_id);
  const chatId = str(message.chat_id);
  const openId = str(senderId.open_id);
  const tenantKey = str(ctx.tenantKey) ?? str(sender.tenant_key);
  if (!messageId || !chatId || !openId || !tenantKey) return { kind: 'ignored', reason: 'malformed' };
  if (sender.sender_type !== undefined && sender.sender_type !== 'user') {
    return { kind: 'ignored', reason: 'not_from_user' };
  }

  const messageType = str(message.message_type) ?? 'unknown';
  const raw = rawText(messageType, message.content);
  if (raw === undefined) return { kind: 'ignored', reason: 'unsupported_type', messageType };

  const isGroup = message.chat_type !== 'p2p';
  const mentions = Array.isArray(message.mentions) ? (message.mentions as RawMention[]) : [];
  const botKeys = botMentionKeys(raw, mentions, ctx.botOpenId, isGroup);
  if (isGroup && botKeys.size === 0) return { kind: 'ignored', reason: 'group_without_bot_mention' };

  const { text, people } = resolveMentions(raw, mentions, botKeys);
  if (!text) return { kind: 'ignored', reason: 'empty' };

  const threadId = str(message.thread_id);
  const unionId = str(senderId.union_id);
  return {
    kind: 'message',
    message: {
      platform: 'feishu',
      tenantKey,
      messageId,
      chat: { id: chatId, kind: isGroup ? 'group' : 'private' },
      sender: { userId: openId, ...(unionId ? { unionId } : {}) },
      text,
      mentions: people,
      receivedAt: ctx.now,
      ...(threadId ? { replyHint: { threadId } } : {}),
    },
  };
}

/** Plain text of a `text` or `post` message with `@_user_N` placeholders intact; undefined for other types. */
function rawText(messageType: string, content: unknown): string | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = obj(JSON.parse(String(content)));
  } catch {
    return undefined;
  }
  if (messageType === 'text') return typeof parsed.text === 'string' ? parsed.text : undefined;
  if (messageType === 'post') {
    // Rich text: paragraphs of inline elements; `at` elements carry the `@_user_N` key in `user_id`.
    const paragraphs = Array.isArray(parsed.content) ? parsed.content : [];
    return paragraphs
      .map((p) =>
        (Array.isArray(p) ? p : [])
          .map((el) => {
            const e = obj(el);
            if (e.tag === 'text' || e.tag === 'a' || e.tag === 'md') return String(e.text ?? '');
            if (e.tag === 'at') return ` ${String(e.user_id ?? '')} `;
            return '';
          })
          .join(''),
      )
      .join('\n');
  }
  return undefined;
}

/**
 * Which placeholders mean the bot. With the bot's open_id known, exactly its mentions. Without it (the
 * info call failed), a group message that opens with a mention is taken to address the bot through it:
 * with only the `group_at_msg` permission Feishu delivers no other group messages anyway.
 */
function botMentionKeys(
  text: string,
  mentions: RawMention[],
  botOpenId: string | undefined,
  isGroup: boolean,
): Set<string> {
  const keys = new Set<string>();
  if (botOpenId) {
    for (const m of mentions) if (m.key && m.id?.open_id === botOpenId) keys.add(m.key);
  } else if (isGroup) {
    const first = /^\s*(@_user_\d+)/.exec(text)?.[1];
    if (first && mentions.some((m) => m.key === first)) keys.add(first);
  }
  return keys;
}

function resolveMentions(
  raw: string,
  mentions: RawMention[],
  botKeys: Set<string>,
): { text: string; people: PlatformUser[] } {
  const byKey = new Map(mentions.filter((m) => m.key).map((m) => [m.key as string, m]));
  const people: PlatformUser[] = [];
  const seen = new Set<string>();
  const replaced = raw.replace(/@_user_\d+|@_all/g, (key) => {
    if (key === '@_all') return '@所有人';
    if (botKeys.has(key)) return '';
    const m = byKey.get(key);
    if (!m) return key;
    const openId = m.id?.open_id;
    if (openId && !seen.has(openId)) {
      seen.add(openId);
      people.push({
        userId: openId,
        ...(m.id?.union_id ? { unionId: m.id.union_id } : {}),
        ...(m.name ? { name: m.name } : {}),
      });
    }
    return `@${m.name ?? ''}`;
  });
  const text = replaced
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0\u3000]+/g, ' ').trim())
    .join('\n')
    .trim();
  return { text, people };
}

export interface BotAddedInfo {
  tenantKey: string;
  chatId: string;
  chatName?: string;
  /** The event's id: a redelivery repeats it, the bot being added again gets a new one. */
  eventId?: string;
}

/** `im.chat.member.bot.added_v1`. `name` is documented as the group's name. */
export function decodeBotAdded(event: unknown, tenantKey: string | undefined, eventId?: string): BotAddedInfo | undefined {
  const ev = obj(event);
  const chatId = str(ev.chat_id);
  const tenant = tenantKey ?? str(ev.operator_tenant_key);
  if (!chatId || !tenant) return undefined;
  const chatName = str(ev.name);
  return { tenantKey: tenant, chatId, ...(chatName ? { chatName } : {}), ...(eventId ? { eventId } : {}) };
}

export interface CardAction {
  tenantKey: string;
  operator: PlatformUser;
  /** `context.open_chat_id`: the chat the card is in. */
  chatId?: string;
  /** `context.open_message_id`: the card message. */
  cardMessageId?: string;
  /** `action.value` as sent in the button. */
  value: unknown;
}

/** `card.action.trigger` (schema 2.0). */
export function decodeCardAction(event: unknown, tenantKey: string | undefined): CardAction | undefined {
  const ev = obj(event);
  const operator = obj(ev.operator);
  const context = obj(ev.context);
  const openId = str(operator.open_id);
  const tenant = tenantKey ?? str(operator.tenant_key);
  if (!openId || !tenant) return undefined;
  const unionId = str(operator.union_id);
  const chatId = str(context.open_chat_id);
  const cardMessageId = str(context.open_message_id);
  return {
    tenantKey: tenant,
    operator: { userId: openId, ...(unionId ? { unionId } : {}) },
    ...(chatId ? { chatId } : {}),
    ...(cardMessageId ? { cardMessageId } : {}),
    value: obj(ev.action).value,
  };
}
