/**
 * What the adapter does with a verified, decoded Feishu event or card tap. Shared by the webhook
 * routes and the long-connection client, so both transports behave the same.
 */
import { randomUUID } from 'node:crypto';
import { ActionTokenError, verifyAction, type ActionPayload } from '../../bot/action-token.ts';
import type { ChatMessage, Reply } from '../../bot/types.ts';
import { fileAsText } from '../../bot/file-text.ts';
import type { FeishuConfig } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { Ingest } from '../types.ts';
import { decodeBotAdded, decodeCardAction, decodeMessageEvent, type BotAddedInfo } from './decode.ts';
import { ACTION_VALUE_KEY, renderCard } from './render.ts';

export interface FeishuInboundDeps {
  ingest: Ingest;
  onCardAction: (msg: ChatMessage) => Promise<Reply>;
  onBotAdded: (info: BotAddedInfo) => Promise<void>;
  log: Logger;
  now: () => Date;
  botOpenId?: () => Promise<string | undefined>;
  /** Verifies card action tokens (and signs the buttons of updated cards). */
  serverKey: string;
  /** A card tap must be answered within 3 s; past this, answer "received" and let the work finish. */
  cardActionTimeoutMs?: number;
}

/** What both transports (webhook routes, long connection) are given. */
export interface FeishuInboundOptions {
  config: FeishuConfig;
  ingest: Ingest;
  onCardAction: (msg: ChatMessage) => Promise<Reply>;
  onBotAdded: (info: BotAddedInfo) => Promise<void>;
  log: Logger;
  now?: () => Date;
  botOpenId?: () => Promise<string | undefined>;
  /** Key of the card action tokens; must be the sender's. Defaults to the app secret. */
  serverKey?: string;
  /** Answer a card tap after this long even if the command has not finished (Feishu allows 3 s). */
  cardActionTimeoutMs?: number;
}

export function inboundDeps(opts: FeishuInboundOptions, log: Logger): FeishuInboundDeps {
  return {
    ingest: opts.ingest,
    onCardAction: opts.onCardAction,
    onBotAdded: opts.onBotAdded,
    log,
    now: opts.now ?? (() => new Date()),
    serverKey: opts.serverKey ?? opts.config.appSecret,
    ...(opts.botOpenId ? { botOpenId: opts.botOpenId } : {}),
    ...(opts.cardActionTimeoutMs ? { cardActionTimeoutMs: opts.cardActionTimeoutMs } : {}),
  };
}

export const EVENT_MESSAGE = 'im.message.receive_v1';
export const EVENT_BOT_ADDED = 'im.chat.member.bot.added_v1';
export const EVENT_CARD_ACTION = 'card.action.trigger';

/** Bot info must not eat the 3 s budget of a webhook. */
const BOT_INFO_WAIT_MS = 1_500;
const DEFAULT_CARD_TIMEOUT_MS = 2_500;
const TOAST_MAX_CHARS = 200;

export interface CardCallbackResponse {
  toast: { type: 'info' | 'success' | 'warning' | 'error'; content: string };
  card?: { type: 'raw'; data: Record<string, unknown> };
}

/**
 * Handles one event. Resolves once anything durable is done (the message is in the inbox, the bot-added
 * hook has run); rejects if that failed, so the caller can make Feishu deliver it again. Resolves
 * `malformed` for an authentic body that lacks what every such event has (the webhook answers 400).
 */
export async function handleFeishuEvent(
  header: { eventType: string | undefined; tenantKey: string | undefined; eventId: string | undefined },
  event: unknown,
  deps: FeishuInboundDeps,
): Promise<'handled' | 'malformed'> {
  const { eventType, tenantKey } = header;
  if (eventType === EVENT_MESSAGE) {
    const botOpenId = deps.botOpenId ? await within(deps.botOpenId(), BOT_INFO_WAIT_MS).catch(() => undefined) : undefined;
    const decoded = decodeMessageEvent(event, { tenantKey, now: deps.now(), botOpenId });
    if (decoded.kind === 'ignored') {
      deps.log.debug('feishu message ignored', { reason: decoded.reason, messageType: decoded.messageType });
      return decoded.reason === 'malformed' ? 'malformed' : 'handled';
    }
    const { message } = decoded;
    const result = await deps.ingest(message);
    deps.log.debug('feishu message received', { messageId: message.messageId, chat: message.chat.kind, result });
    return 'handled';
  }
  if (eventType === EVENT_BOT_ADDED) {
    const info = decodeBotAdded(event, tenantKey, header.eventId);
    if (!info) {
      deps.log.warn('feishu bot-added event without chat id');
      return 'malformed';
    }
    await deps.onBotAdded(info);
    deps.log.info('feishu bot added to chat', { chatId: info.chatId });
    return 'handled';
  }
  deps.log.debug('feishu event ignored', { eventType });
  return 'handled';
}

const refuse = (content: string): CardCallbackResponse => ({ toast: { type: 'error', content } });

/** Handles a card button tap; always resolves to the response body Feishu shows the tapper. */
export async function handleFeishuCardAction(
  eventId: string | undefined,
  tenantKey: string | undefined,
  event: unknown,
  deps: FeishuInboundDeps,
): Promise<CardCallbackResponse> {
  const now = deps.now();
  const action = decodeCardAction(event, tenantKey);
  if (!action) return refuse('无法识别的操作，请重新发送命令。');

  const value = action.value as Record<string, unknown> | undefined;
  const token = value && typeof value === 'object' ? value[ACTION_VALUE_KEY] : undefined;
  let payload: ActionPayload;
  try {
    payload = verifyAction(typeof token === 'string' ? token : '', deps.serverKey, now);
  } catch (e) {
    const reason = e instanceof ActionTokenError ? e.reason : 'invalid';
    deps.log.warn('feishu card action refused', { reason, operator: action.operator.userId });
    return refuse(reason === 'expired' ? '这个按钮已过期，请重新发送命令。' : '按钮校验失败，操作未执行。');
  }
  if (payload.userId ? payload.userId !== action.operator.userId : payload.chatId !== action.chatId) {
    deps.log.warn('feishu card action refused', { reason: 'misdirected', operator: action.operator.userId });
    return refuse(payload.userId ? '这张卡片是发给其他人的，操作未执行。' : '这个按钮不属于当前群聊，操作未执行。');
  }

  const msg: ChatMessage = {
    platform: 'feishu',
    tenantKey: action.tenantKey,
    messageId: `card:${eventId ?? randomUUID()}`,
    chat: payload.chatId
      ? { id: payload.chatId, kind: 'group' }
      : { id: action.chatId ?? (payload.userId as string), kind: 'private' },
    sender: action.operator,
    text: payload.command,
    mentions: [],
    receivedAt: now,
  };

  const work = Promise.resolve().then(() => deps.onCardAction(msg)); // a synchronous throw becomes a rejection
  let answered = false;
  work.catch((e: unknown) => {
    if (answered) deps.log.error('feishu card action failed after the tap was answered', { error: e });
  });
  let reply: Reply | undefined;
  try {
    reply = await within(work, deps.cardActionTimeoutMs ?? DEFAULT_CARD_TIMEOUT_MS);
  } catch (e) {
    deps.log.error('feishu card action failed', { error: e });
    return refuse('操作失败，请稍后再试。');
  }
  answered = true;
  if (!reply) return { toast: { type: 'info', content: '已收到，正在处理。' } };
  if (reply.kind === 'text') return { toast: { type: 'info', content: clip(reply.text, TOAST_MAX_CHARS) } };
  if (reply.kind === 'file') return { toast: { type: 'info', content: clip(fileAsText(reply), TOAST_MAX_CHARS) } };
  const target = payload.userId ? { userId: payload.userId } : { chatId: payload.chatId as string };
  return {
    toast: { type: TOAST_TYPE[reply.tone ?? 'info'], content: clip(reply.title, TOAST_MAX_CHARS) },
    card: { type: 'raw', data: renderCard(reply, target, { serverKey: deps.serverKey, now }) },
  };
}

const TOAST_TYPE = { info: 'info', success: 'success', warning: 'warning', danger: 'error' } as const;

function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** `promise`'s value, or undefined if it takes longer than `ms` (the promise keeps running). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  promise.catch(() => {}); // a late failure is the caller's to log, never an unhandled rejection
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
