/**
 * A crash right after the webhook's 200: the message is in the inbox and nothing else happened. A new
 * service on the same database (what the host does on start) processes it exactly once, and the
 * platform's redelivery of the same event changes nothing.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.ts';
import { inbox, outbox } from '../../db/schema/index.ts';
import { startFakeFeishu, type FakeFeishu } from '../fakes/feishu-server.ts';
import { createTestDb } from '../helpers/db.ts';
import { feishu, feishuMessage, FEISHU_TENANT } from './support/requests.ts';
import { simClock, startService } from './support/service.ts';
import { SECRETS } from './support/world.ts';

/** The database as a process sees it that dies right after answering: writes outside transactions land, no processing does. */
function dyingAfterAck(handle: DbHandle): DbHandle {
  const killed = () => Promise.reject(Object.assign(new Error('read ECONNRESET (the process was killed)'), { code: 'ECONNRESET' }));
  return {
    ...handle,
    db: new Proxy(handle.db, { get: (t, p) => (p === 'transaction' ? killed : Reflect.get(t, p, t)) }),
    close: async () => {},
  };
}

describe('a crash after the webhook was acknowledged', () => {
  const clock = simClock('2026-12-02T10:00:00+08:00');
  let handle: DbHandle;
  let fake: FakeFeishu;
  beforeAll(async () => {
    handle = await createTestDb();
    fake = await startFakeFeishu({ appId: SECRETS.FEISHU_APP_ID, appSecret: SECRETS.FEISHU_APP_SECRET, rateLimit: false });
  });
  afterAll(async () => {
    await handle?.close();
    await fake?.close();
  });

  it('the message is processed once by the restarted service, and a redelivery adds nothing', async () => {
    const messages = [0, 1, 2].map((i) => feishuMessage({ text: '帮助', messageId: `om_crash_${i}`, openId: `ou_crash_${i}` }));
    const dying = await startService({ handle: dyingAfterAck(handle), clock, feishuBaseUrl: fake.baseUrl });
    for (const m of messages) expect((await dying.runtime.app.request('/feishu/events', feishu(m, clock.now()))).status).toBe(200);
    await dying.runtime.deferrer.settle();
    // Gone without a trace beyond the inbox.
    expect((await handle.db.select().from(inbox)).map((r) => r.status)).toEqual(['received', 'received', 'received']);
    expect(await handle.db.select().from(outbox)).toEqual([]);
    await dying.runtime.sender.stop();

    const restarted = await startService({ handle, clock, feishuBaseUrl: fake.baseUrl, keepDb: true });
    await restarted.pump(); // what the host does on start: process the inbox, drain the outbox
    // Feishu had its 200s, but deliver again anyway (at-least-once): duplicates.
    for (const m of messages) {
      const again = { ...m, header: { ...m.header, event_id: `${m.header.event_id}-again` } };
      expect((await restarted.runtime.app.request('/feishu/events', feishu(again, clock.now()))).status).toBe(200);
    }
    await restarted.pump();

    for (const [i] of messages.entries()) {
      const key = `feishu:${FEISHU_TENANT}:om_crash_${i}`;
      expect((await handle.db.select().from(inbox).where(eq(inbox.dedupeKey, key))).map((r) => r.status)).toEqual(['done']);
      expect((await handle.db.select().from(outbox).where(eq(outbox.dedupeKey, `reply:${key}`))).map((r) => r.status)).toEqual(['sent']);
    }
    expect(fake.sent()).toHaveLength(messages.length);
    await restarted.close();
  });
});
