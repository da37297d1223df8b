import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { inbox } from '../../db/schema/index.ts';
import { acceptMessage } from '../../src/bot/inbox.ts';
import { consoleMessage } from '../../src/platforms/console/message.ts';
import { INBOX_BATCH } from '../../src/runtime.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';

describe('inbox backlog', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await createTestBot();
  });
  afterAll(() => bot.close());

  it('one processing run works off a backlog larger than a batch (a burst is not left to the 30 s recovery)', async () => {
    const n = INBOX_BATCH + 3;
    for (let i = 0; i < n; i++) await acceptMessage(bot.handle.db, consoleMessage('', `成员${i}`, { now: bot.now() }));
    expect(await bot.runtime.processPending()).toBe(n);
    expect(await bot.handle.db.select({ id: inbox.id }).from(inbox).where(eq(inbox.status, 'received'))).toEqual([]);
    expect((await bot.drain()).length).toBe(n);
  });
});
