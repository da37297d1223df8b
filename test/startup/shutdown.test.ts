/**
 * What SIGTERM does on Node (src/node.ts ends in runtime.close()): work in flight finishes first,
 * then the database is closed. Here the message is still being processed when close() is called.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inbox, outbox } from '../../db/schema/index.ts';
import { consoleMessage } from '../../src/platforms/console/message.ts';
import { createTestDb } from '../helpers/db.ts';
import { createTestBot } from '../helpers/runtime.ts';
import { INBOX_BATCH } from '../../src/runtime.ts';
import { acceptMessage } from '../../src/bot/inbox.ts';

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

  it('leaves a backlog in the inbox instead of working it off before it exits', async () => {
    const h = await createTestDb();
    let atClose: string[] = [];
    const handle = {
      ...h,
      close: async () => {
        atClose = (await h.db.select().from(inbox)).map((r) => r.status);
        await h.close();
      },
    };
    const bot = await createTestBot({ handle });
    const backlog = INBOX_BATCH + 50;
    // Accepted while no processing loop ran (as after a burst that outran it).
    for (let i = 0; i < backlog; i++) {
      expect(await acceptMessage(h.db, consoleMessage(`党费 计算 ${6000 + i}`, '张三', { now: bot.now() }))).toBe('accepted');
    }
    bot.runtime.deferrer.defer(bot.runtime.processPending());
    const doneSoFar = async () => (await h.db.select({ id: inbox.id }).from(inbox).where(eq(inbox.status, 'done'))).length;
    while ((await doneSoFar()) === 0) await new Promise((r) => setTimeout(r, 5));
    await bot.close();
    const done = atClose.filter((s) => s === 'done').length;
    expect(atClose).toHaveLength(backlog);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(backlog / 2);
    expect(atClose.filter((s) => s !== 'done').every((s) => s === 'received')).toBe(true);
  });
});
