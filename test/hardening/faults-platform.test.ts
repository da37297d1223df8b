/**
 * The platform API down for 10 minutes (simulated time: the service's clock moves, nobody waits):
 * everything queued meanwhile — replies to webhook messages and reminders — is delivered afterwards,
 * each exactly once. The mixed-fault version (hangs, lost responses, resets, DingTalk too) is in
 * slow/platform-outage.test.ts.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/index.ts';
import type { DbHandle } from '../../db/client.ts';
import { enqueue } from '../../src/notify/outbox.ts';
import { feishuUuid } from '../../src/platforms/feishu/sender.ts';
import { startFakeFeishu, type FakeFeishu } from '../fakes/feishu-server.ts';
import { createTestDb } from '../helpers/db.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import { feishu, feishuMessage, FEISHU_TENANT } from './support/requests.ts';
import { simClock, startService, type Service } from './support/service.ts';
import { SECRETS } from './support/world.ts';

const OUTAGE_MS = 10 * 60_000;

describe('a 10-minute platform outage loses and doubles nothing', () => {
  const clock = simClock('2026-12-02T10:00:00+08:00');
  const t0 = clock.now().getTime();
  let fake: FakeFeishu;
  let proxy: FaultProxy;
  let handle: DbHandle;
  let svc: Service;

  beforeAll(async () => {
    fake = await startFakeFeishu({
      appId: SECRETS.FEISHU_APP_ID, appSecret: SECRETS.FEISHU_APP_SECRET, rateLimit: false, now: () => clock.now().getTime(),
    });
    proxy = await startFaultProxy(fake.baseUrl, () => (clock.now().getTime() - t0 < OUTAGE_MS ? '500' : 'pass'));
    handle = await createTestDb();
    svc = await startService({ handle, clock, feishuBaseUrl: proxy.url });
  });
  afterAll(async () => {
    await svc?.close();
    await proxy?.close();
    await fake?.close();
  });

  it('Feishu answers 500 to every call (token included) for 10 minutes', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await svc.runtime.app.request('/feishu/events',
        feishu(feishuMessage({ text: '帮助', messageId: `om_outage_${i}`, openId: `ou_outage_${i}` }), clock.now()));
      expect(res.status).toBe(200);
      keys.push(`reply:feishu:${FEISHU_TENANT}:om_outage_${i}`);
      const reminder = `hardening:reminder:${i}`;
      await enqueue(handle.db, {
        recipient: { platform: 'feishu', kind: 'user', id: `ou_outage_r${i}`, tenantKey: FEISHU_TENANT },
        reply: { kind: 'text', text: `提醒 ${i}` }, dedupeKey: reminder, kind: 'reminder',
      }, { now: clock.now(), tz: 'Asia/Shanghai' });
      keys.push(reminder);
      await svc.pump();
      clock.advance(90_000);
    }
    while (clock.now().getTime() < t0 + 45 * 60_000) {
      clock.advance(30_000);
      await svc.pump();
    }

    const rows = await handle.db.select().from(outbox);
    expect(rows.filter((r) => r.status !== 'sent').map((r) => `${r.dedupeKey} ${r.status} ${r.attempts} ${r.lastError}`)).toEqual([]);
    const uuids = fake.sent().map((m) => m.uuid);
    expect(uuids.sort()).toEqual(keys.map(feishuUuid).sort());
    expect(proxy.faults['500']).toBeGreaterThan(20);
    const delivered = await handle.db.select().from(outbox).where(eq(outbox.status, 'sent'));
    expect(delivered.every((r) => r.sentAt! >= new Date(t0 + OUTAGE_MS))).toBe(true);
  });
});
