import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '../../bot/types.ts';

export const CONSOLE_TENANT = 'console';

/** A console line as a ChatMessage: a private chat with the bot, or a group when `group` is set. */
export function consoleMessage(text: string, as: string, opts: { group?: string; now?: Date } = {}): ChatMessage {
  const mentions = [...text.matchAll(/@([^\s@]+)/g)].map((m) => ({ userId: m[1]!, name: m[1]! }));
  return {
    platform: 'console',
    tenantKey: CONSOLE_TENANT,
    messageId: randomUUID(),
    chat: opts.group ? { id: opts.group, kind: 'group', title: opts.group } : { id: `dm:${as}`, kind: 'private' },
    sender: { userId: as, name: as },
    text,
    mentions,
    receivedAt: opts.now ?? new Date(),
  };
}
