import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, onPostgres } from '../helpers/db.ts';
import type { DbHandle } from '../../db/client.ts';
import { outbox } from '../../db/schema/index.ts';
import { memoryLogger } from '../../src/log.ts';
import { enqueue } from '../../src/notify/outbox.ts';
import { createSender, type Sender } from '../../src/notify/sender.ts';
import { at, recordingSender, secondInstance, TZ, user } from './fixtures.ts';

const ROWS = 60;

describe(`exactly once with two drainers (${onPostgres ? 'two pools on one Postgres database' : 'PGlite'})`, () => {
  let h: DbHandle & { url?: string };
  let h2: DbHandle;
  beforeAll(async () => {
    h = await createTestDb();
    h2 = await secondInstance(h);
  });
  afterAll(async () => {
    await h2.close();
    await h.close();
  });

  const drainAll = async (s: Sender) => {
    for (let idle = 0; idle < 3;) {
      const r = await s.drainOnce();
      idle = r.sent + r.retried + r.failed ? 0 : idle + 1;
    }
  };

  it('sends every row once when two instances drain the same outbox concurrently', async () => {
    const now = at('2026-12-01T09:00');
    for (let i = 0; i < ROWS; i++) {
      await enqueue(h.db, { recipient: user(`ou_${i % 7}`), reply: { kind: 'text', text: `m${i}` }, dedupeKey: `once:${i}` }, { now, tz: TZ });
    }
    // Enqueueing again from the other instance adds nothing.
    for (let i = 0; i < ROWS; i += 10) {
      expect(await enqueue(h2.db, { recipient: user('ou_x'), reply: { kind: 'text', text: 'dup' }, dedupeKey: `once:${i}` }, { now, tz: TZ })).toBe(false);
    }
    const limits = { feishu: { appPerSecond: 1_000, recipientPerSecond: 1_000 } };
    const slowA = recordingSender('feishu', { delayMs: 15 });
    const slowB = recordingSender('feishu', { delayMs: 15 });
    const a = createSender({ db: h.db, senders: [slowA], log: memoryLogger(), now: () => now, admins: [], batchSize: 4, limits });
    const b = createSender({ db: h2.db, senders: [slowB], log: memoryLogger(), now: () => now, admins: [], batchSize: 4, limits });
    await Promise.all([drainAll(a), drainAll(b), drainAll(a)]);

    const keys = [...slowA.sent, ...slowB.sent].map((o) => o.dedupeKey);
    expect(keys).toHaveLength(ROWS);
    expect(new Set(keys).size).toBe(ROWS);
    // A claim never takes more than the batch (a one-statement UPDATE … IN (SELECT … LIMIT) could).
    expect(Math.max(...[...slowA.calls, ...slowB.calls].map((c) => c.length))).toBeLessThanOrEqual(4);
    // Both instances took part, so the claims really did overlap.
    expect(slowA.sent.length).toBeGreaterThan(0);
    expect(slowB.sent.length).toBeGreaterThan(0);
    const rows = await h.db.select().from(outbox);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('started loops on both instances also deliver each row once', async () => {
    const now = new Date(Date.now() - 60_000);
    for (let i = 0; i < 30; i++) {
      await enqueue(h.db, { recipient: user(`ou_${i}`), reply: { kind: 'text', text: `n${i}` }, dedupeKey: `loop:${i}`, kind: 'reply' }, { now, tz: TZ });
    }
    const limits = { feishu: { appPerSecond: 1_000, recipientPerSecond: 1_000 } };
    const sa = recordingSender('feishu', { delayMs: 10 });
    const sb = recordingSender('feishu', { delayMs: 10 });
    const a = createSender({ db: h.db, senders: [sa], log: memoryLogger(), admins: [], batchSize: 3, limits, pollMs: 20 });
    const b = createSender({ db: h2.db, senders: [sb], log: memoryLogger(), admins: [], batchSize: 3, limits, pollMs: 20 });
    a.start();
    b.start();
    await expect.poll(() => sa.sent.length + sb.sent.length, { timeout: 15_000 }).toBe(30);
    await Promise.all([a.stop(), b.stop()]);
    const keys = [...sa.sent, ...sb.sent].map((o) => o.dedupeKey);
    expect(new Set(keys).size).toBe(30);
    expect(keys).toHaveLength(30);
  });
});
