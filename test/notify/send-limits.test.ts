import { afterEach, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/notify/outbox.ts';
import type { PlatformSender } from '../../src/platforms/types.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';

/**
 * SEND_LIMITS reaches the running service's sender (config → runtime → rate limiter): the sender
 * hands a platform only the rows that have a slot now, so the limit shows in the batches it sends.
 */
describe('SEND_LIMITS in the runtime', () => {
  let bot: TestBot | undefined;
  afterEach(() => bot?.close());

  async function batchesFor(env: Record<string, string>): Promise<number[]> {
    const batches: number[] = [];
    const probe: PlatformSender = {
      platform: 'feishu',
      send: async (items) => {
        batches.push(items.length);
        return items.map(() => ({ ok: true as const }));
      },
    };
    bot = await createTestBot({ env, senders: [probe] });
    for (const n of [1, 2, 3]) {
      await enqueue(bot.handle.db, {
        recipient: { platform: 'feishu', kind: 'user', id: 'ou_limits', tenantKey: 'tenant_limits' },
        reply: { kind: 'text', text: `第${n}条` },
        dedupeKey: `limits-test:${n}`,
        kind: 'reply',
      }, { now: bot.now(), tz: 'Asia/Shanghai' });
    }
    expect((await bot.runtime.sender.drainOnce()).sent).toBe(3);
    return batches;
  }

  it('holds one recipient to the configured number per second', async () => {
    expect(await batchesFor({ SEND_LIMITS: 'feishu.recipient=2' })).toEqual([2, 1]);
  });

  it('sends all three in one batch under the default limits (5 a second)', async () => {
    expect(await batchesFor({})).toEqual([3]);
  });
});
