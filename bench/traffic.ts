/**
 * What the load process sends: Feishu `im.message.receive_v1` events exactly as Feishu delivers them
 * (encrypted with the Encrypt Key, signed over the raw body), one distinct message id each. A tenth
 * are group messages that @-mention the bot (answered by quoting), the rest private chats.
 */
import {
  FAKE_BOT_OPEN_ID, buildMessageEvent, feishuRequest,
} from '../test/fakes/feishu-server.ts';

export interface MessageSpec {
  messageId: string;
  openId: string;
  /** Set for a group message: the chat it was posted in. */
  groupChat?: string;
}

export interface FeishuSecrets {
  encryptKey: string;
  verificationToken: string;
  tenantKey: string;
}

export const BENCH_TEXT = '我的信息';

/** `count` distinct messages from `senders` (member open ids with their branch chat), round robin. */
export function messagePlan(tag: string, count: number, senders: readonly { openId: string; chatId: string }[]): MessageSpec[] {
  const out: MessageSpec[] = [];
  for (let i = 0; i < count; i++) {
    const s = senders[i % senders.length]!;
    out.push({ messageId: `om_${tag}_${i}`, openId: s.openId, ...(i % 10 === 9 ? { groupChat: s.chatId } : {}) });
  }
  return out;
}

export function buildRequest(m: MessageSpec, secrets: FeishuSecrets): { body: string; headers: Record<string, string> } {
  const event = buildMessageEvent({
    token: secrets.verificationToken,
    tenantKey: secrets.tenantKey,
    messageId: m.messageId,
    senderOpenId: m.openId,
    ...(m.groupChat
      ? { chatType: 'group' as const, chatId: m.groupChat, text: `@_user_1 ${BENCH_TEXT}`, mentions: [{ openId: FAKE_BOT_OPEN_ID, name: '党支部助手' }] }
      : { chatType: 'p2p' as const, chatId: `oc_p2p_${m.openId.slice(3)}`, text: BENCH_TEXT }),
  });
  const { body, headers } = feishuRequest(event, secrets.encryptKey);
  return { body, headers };
}
