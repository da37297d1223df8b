/**
 * A card tap is answered in the callback itself (a toast, an updated card). A file cannot travel that
 * way, so it is queued as a message to where the card was (the tapper, or the group) and the tap is
 * answered with a short note.
 */
import type { Db } from '../../db/client.ts';
import { enqueue } from '../notify/outbox.ts';
import { inboxKey } from './inbox.ts';
import type { ChatMessage, Reply } from './types.ts';

export async function answerAction(tx: Db, msg: ChatMessage, reply: Reply, now: Date, tz: string): Promise<Reply> {
  if (reply.kind !== 'file') return reply;
  const group = msg.chat.kind === 'group';
  await enqueue(tx, {
    recipient: { platform: msg.platform, kind: group ? 'chat' : 'user', id: group ? msg.chat.id : msg.sender.userId, tenantKey: msg.tenantKey },
    reply,
    dedupeKey: `reply:${inboxKey(msg)}`,
    kind: 'reply',
  }, { now, tz });
  return { kind: 'text', text: `文件“${reply.fileName}”正在发送，请在会话中查收。` };
}
