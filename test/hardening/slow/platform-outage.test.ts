/**
 * Both platforms down for 10 minutes of simulated time, failing every way they can: HTTP 500, no
 * answer at all (the client times out), the connection reset, and — Feishu only — the request carried
 * out but its answer lost. Webhook messages keep arriving and reminders keep being queued throughout.
 * Afterwards every one of them is delivered exactly once: none lost, none doubled.
 *
 * DingTalk's send APIs take no idempotency key, so a send whose answer is lost is either retried
 * (maybe doubled) or not (maybe lost); the service retries (at-least-once). That mode is therefore
 * only injected for Feishu, whose `uuid` absorbs the repeat. See docs/reliability.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../../db/schema/index.ts';
import type { DbHandle } from '../../../db/client.ts';
import { enqueue } from '../../../src/notify/outbox.ts';
import { feishuUuid } from '../../../src/platforms/feishu/sender.ts';
import { startFakeDingTalk, type FakeDingTalk } from '../../fakes/dingtalk-server.ts';
import { startFakeFeishu, type FakeFeishu } from '../../fakes/feishu-server.ts';
import { createTestDb } from '../../helpers/db.ts';
import { impatientFetch, startFaultProxy, type FaultMode, type FaultProxy } from '../support/fault-proxy.ts';
import { recordFigures } from '../support/figures.ts';
import { DINGTALK_CORP, dingtalk, dingtalkMessage, feishu, feishuMessage, FEISHU_TENANT } from '../support/requests.ts';
import { simClock, startService, type Service } from '../support/service.ts';
import { SECRETS } from '../support/world.ts';

const OUTAGE_MS = 10 * 60_000;
const FEISHU_MODES: FaultMode[] = ['500', 'hang', 'reset', 'lose-response'];
const DINGTALK_MODES: FaultMode[] = ['500', 'hang', 'reset'];
const N = 24;

describe('both platforms down for 10 minutes, every way they fail', () => {
  const clock = simClock('2026-12-02T10:00:00+08:00');
  const t0 = clock.now().getTime();
  const realFetch = globalThis.fetch;
  let feishuFake: FakeFeishu;
  let dingFake: FakeDingTalk;
  let feishuProxy: FaultProxy;
  let dingProxy: FaultProxy;
  let handle: DbHandle;
  let svc: Service;

  const during = () => clock.now().getTime() - t0 < OUTAGE_MS;
  let turn = 0;
  const pick = (modes: FaultMode[]) => () => (during() ? modes[turn++ % modes.length]! : 'pass');

  beforeAll(async () => {
    // The DingTalk client's 10 s timeout, shrunk (the Feishu one is, by the service helper).
    globalThis.fetch = impatientFetch(250, realFetch);
    feishuFake = await startFakeFeishu({
      appId: SECRETS.FEISHU_APP_ID, appSecret: SECRETS.FEISHU_APP_SECRET, rateLimit: false, now: () => clock.now().getTime(),
    });
    dingFake = await startFakeDingTalk({ appKey: SECRETS.DINGTALK_APP_KEY, appSecret: SECRETS.DINGTALK_APP_SECRET });
    feishuProxy = await startFaultProxy(feishuFake.baseUrl, pick(FEISHU_MODES));
    dingProxy = await startFaultProxy(dingFake.baseUrl, pick(DINGTALK_MODES));
    handle = await createTestDb();
    svc = await startService({ handle, clock, feishuBaseUrl: feishuProxy.url, dingtalkApiBase: dingProxy.url });
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await svc?.close();
    await Promise.all([feishuProxy?.close(), dingProxy?.close(), feishuFake?.close(), dingFake?.close()]);
  });

  it(`${N} Feishu and ${N} DingTalk messages and ${2 * N} reminders, all delivered once`, async () => {
    const feishuKeys: string[] = [];
    const dingTexts: string[] = [];
    for (let i = 0; i < N; i++) {
      // Messages arrive throughout the outage and a little after.
      const f = feishuMessage({ text: '帮助', messageId: `om_storm_${i}`, openId: `ou_storm_${i}` });
      expect((await svc.runtime.app.request('/feishu/events', feishu(f, clock.now()))).status).toBe(200);
      feishuKeys.push(`reply:feishu:${FEISHU_TENANT}:om_storm_${i}`);
      const d = { ...dingtalkMessage(clock.now(), { msgId: `msg_storm_${i}`, staffId: `staff_storm_${i}` }), sessionWebhook: null };
      expect((await svc.runtime.app.request('/dingtalk/events', dingtalk(d, clock.now()))).status).toBe(200);
      for (const [platform, id, tenantKey] of [['feishu', `ou_remind_${i}`, FEISHU_TENANT], ['dingtalk', `staff_remind_${i}`, DINGTALK_CORP]] as const) {
        const key = `hardening:storm:${platform}:${i}`;
        await enqueue(handle.db, {
          recipient: { platform, kind: 'user', id, tenantKey }, reply: { kind: 'text', text: `提醒 ${platform} #${i}#` }, dedupeKey: key,
        }, { now: clock.now(), tz: 'Asia/Shanghai' });
        if (platform === 'feishu') feishuKeys.push(key);
        else dingTexts.push(`提醒 dingtalk #${i}#`);
      }
      await svc.pump();
      clock.advance(30_000);
    }
    while (clock.now().getTime() < t0 + 100 * 60_000) {
      clock.advance(15_000);
      await svc.pump();
    }

    const rows = await handle.db.select().from(outbox);
    const notSent = rows.filter((r) => r.status !== 'sent').map((r) => `${r.dedupeKey} ${r.status} ${r.attempts} ${r.lastError}`);
    const feishuDelivered = feishuFake.sent().map((m) => m.uuid);
    const expectedUuids = feishuKeys.map(feishuUuid);
    const dingDelivered = dingFake.sent().map((m) => JSON.stringify(m));
    const dingReminders = dingTexts.map((t) => dingDelivered.filter((d) => d.includes(t)).length);
    // Replies go to the sender's staff id; count what each of them received.
    const repliesTo = Array.from({ length: N }, (_, i) => dingFake.sent()
      .filter((m) => m.via === 'oto' && m.userIds.includes(`staff_storm_${i}`)).length);
    const lost = expectedUuids.filter((u) => !feishuDelivered.includes(u)).length + dingReminders.filter((n) => n === 0).length
      + repliesTo.filter((n) => n === 0).length;
    const doubled = feishuDelivered.length - new Set(feishuDelivered).size + dingReminders.filter((n) => n > 1).length
      + repliesTo.filter((n) => n > 1).length;
    recordFigures('platform-outage', {
      messages: rows.length, outageMinutes: 10,
      feishuFaults: JSON.stringify(feishuProxy.faults), dingtalkFaults: JSON.stringify(dingProxy.faults),
      faultsInjected: Object.values(feishuProxy.faults).reduce((a, b) => a + b, 0) + Object.values(dingProxy.faults).reduce((a, b) => a + b, 0),
      lost, doubled,
    });
    expect(notSent).toEqual([]);
    expect([...feishuDelivered].sort()).toEqual([...expectedUuids].sort());
    expect(dingReminders).toEqual(dingTexts.map(() => 1));
    expect(repliesTo).toEqual(repliesTo.map(() => 1));
    expect([lost, doubled]).toEqual([0, 0]);
    expect(feishuProxy.faults['lose-response']).toBeGreaterThan(0);
    expect(feishuProxy.faults.hang + dingProxy.faults.hang).toBeGreaterThan(0);
  });
});
