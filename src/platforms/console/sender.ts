import type { Outbound, PlatformSender, SendResult } from '../types.ts';
import { renderPlain } from './render.ts';

/** Delivers console-platform outbox rows by printing them; `self` marks the person at the keyboard. */
export function createConsoleSender(opts: { write: (text: string, to: Outbound['recipient']) => void; self?: string }): PlatformSender {
  return {
    platform: 'console',
    async send(items: Outbound[]): Promise<SendResult[]> {
      for (const item of items) {
        const to = item.recipient;
        const prefix = to.kind === 'chat' ? `[群 ${to.id}] ` : to.id === opts.self ? '' : `[发给 ${to.id}] `;
        opts.write(prefix + renderPlain(item.reply), to);
      }
      return items.map(() => ({ ok: true }));
    },
  };
}
