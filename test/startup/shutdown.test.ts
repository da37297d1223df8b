/**
 * What SIGTERM does on Node (src/node.ts ends in runtime.close()): work in flight finishes first,
 * then the database is closed. Here the message is still being processed when close() is called.
 */
import { describe, expect, it } from 'vitest';
import { inbox, outbox } from '../../db/schema/index.ts';
import { consoleMessage } from '../../src/platforms/console/message.ts';
import { createTestDb } from '../helpers/db.ts';
import { createTestBot } from '../helpers/runtime.ts';

describe('runtime.close()', () => {
  it('finishes the message in flight and stops the sender before it closes the database', async () => {
    const h = await createTestDb();
    let atClose: { inbox: string[]; outbox: string[] } | undefined;
    const handle = {
      ...h,
      close: async () => {
        atClose = {
          inbox: (await h.db.select().from(inbox)).map((r) => r.status),
          outbox: (await h.db.select().from(outbox)).map((r) => r.kind),
        };
        await h.close();
      },
    };
    const bot = await createTestBot({ handle });
    bot.runtime.sender.start();
    expect(await bot.runtime.ingest(consoleMessage('党费 计算 6500', '张三', { now: bot.now() }))).toBe('accepted');
    await bot.close();
    expect(atClose).toEqual({ inbox: ['done'], outbox: ['reply'] });
  });
});
