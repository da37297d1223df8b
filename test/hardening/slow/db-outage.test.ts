/**
 * The database away for 10 minutes of simulated time while traffic keeps coming: every webhook in
 * that window is answered 5xx (never a 200 that would lose it), the platforms deliver again on their
 * own schedule (Feishu: 15 s, 5 min, 1 h; DingTalk: our client's redelivery model, the same), and
 * once the database is back every message is processed and answered exactly once — by the same
 * service, without a restart. /healthz follows the database.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, outbox } from '../../../db/schema/index.ts';
import { flakyTestDb, type FlakyDb } from '../support/flaky-db.ts';
import { recordFigures } from '../support/figures.ts';
import { dingtalk, dingtalkMessage, feishu, feishuMessage, FEISHU_TENANT, type Req } from '../support/requests.ts';
import { simClock, startService, type Service } from '../support/service.ts';

const OUTAGE_MS = 10 * 60_000;
/** Feishu's redelivery schedule after a non-200: 15 s, 5 min, 1 h, 6 h. */
const REDELIVER_MS = [15_000, 5 * 60_000, 60 * 60_000, 6 * 60 * 60_000];

describe('the database away for 10 minutes under traffic', () => {
  const clock = simClock('2026-12-02T10:00:00+08:00');
  const t0 = clock.now().getTime();
  let db: FlakyDb;
  let svc: Service;
  beforeAll(async () => {
    db = await flakyTestDb();
    svc = await startService({ handle: db.handle, clock, keepDb: true });
  });
  afterAll(async () => {
    await db?.up();
    await svc?.close();
    await db?.close();
  });

  it('every message that arrived meanwhile is answered once, without a restart', async () => {
    interface Delivery { path: string; build: () => Req; key: string; attempts: number; next: number; acked: boolean }
    const deliveries: Delivery[] = [];
    for (let i = 0; i < 30; i++) {
      const at = t0 - 60_000 + i * 30_000; // from a minute before the outage to 5 minutes after
      const f = feishuMessage({ text: '帮助', messageId: `om_dbout_${i}`, openId: `ou_dbout_${i}` });
      deliveries.push({ path: '/feishu/events', build: () => feishu(f, clock.now()), key: `feishu:${FEISHU_TENANT}:om_dbout_${i}`, attempts: 0, next: at, acked: false });
      const d = { ...dingtalkMessage(clock.now(), { msgId: `msg_dbout_${i}`, staffId: `staff_dbout_${i}` }), sessionWebhook: null };
      deliveries.push({ path: '/dingtalk/events', build: () => dingtalk(d, clock.now()), key: `dingtalk:dingcorp_hardening:msg_dbout_${i}`, attempts: 0, next: at, acked: false });
    }
    let refused = 0;
    let healthDown = 0;
    let wasDown = false;
    const end = t0 + 90 * 60_000;
    while (clock.now().getTime() < end) {
      const now = clock.now().getTime();
      const shouldBeDown = now >= t0 && now < t0 + OUTAGE_MS;
      if (shouldBeDown && !wasDown) db.down();
      if (!shouldBeDown && wasDown) await db.up();
      wasDown = shouldBeDown;
      const health = (await svc.runtime.app.request('/healthz')).status;
      // The driver reconnects on its own schedule: a tick or two after the database is back, it is.
      const settling = !shouldBeDown && now >= t0 + OUTAGE_MS && now < t0 + OUTAGE_MS + 30_000;
      if (!settling) expect(health).toBe(shouldBeDown ? 503 : 200);
      if (health === 503) healthDown++;
      // The platforms deliver concurrently; while the database is away each answer takes up to the
      // ack deadline (2.5 s), so one at a time would only make the run long.
      await Promise.all(deliveries.filter((x) => !x.acked && x.next <= now).map(async (d) => {
        const res = await svc.runtime.app.request(d.path, d.build());
        d.attempts++;
        if (res.status === 200) d.acked = true;
        else {
          expect(res.status).toBe(503);
          refused++;
          d.next = now + (REDELIVER_MS[d.attempts - 1] ?? REDELIVER_MS.at(-1)!);
        }
      }));
      // One pass a tick, as the hosts' loops do; it fails while the database is away.
      await svc.pump({ retries: 0 }).catch(() => undefined);
      // A tick is 15 s of simulated time, a minute while the database is away (each real tick then
      // waits out the deadlines: 40 such ticks would take ten minutes for nothing new); with nothing
      // due for longer, straight to the next delivery or the outage's start or end.
      const step = shouldBeDown ? 60_000 : 15_000;
      const upcoming = [t0, t0 + OUTAGE_MS, end, ...deliveries.filter((x) => !x.acked).map((x) => x.next)];
      const nextEvent = Math.min(...upcoming.filter((t) => t > now));
      clock.advance(Math.max(step, nextEvent - now));
    }
    await svc.pump();

    let lost = 0;
    let doubled = 0;
    for (const d of deliveries) {
      const rows = await db.direct.db.select().from(inbox).where(eq(inbox.dedupeKey, d.key));
      const replies = await db.direct.db.select().from(outbox).where(eq(outbox.dedupeKey, `reply:${d.key}`));
      if (rows.length !== 1 || rows[0]!.status !== 'done' || replies.length === 0) lost++;
      if (replies.length > 1) doubled++;
    }
    recordFigures('db-outage', { messages: deliveries.length, refusedWhileDown: refused, healthChecks503: healthDown, lost, doubled });
    expect(deliveries.every((d) => d.acked)).toBe(true);
    expect(refused).toBeGreaterThan(10);
    expect([lost, doubled]).toEqual([0, 0]);
  });
});
