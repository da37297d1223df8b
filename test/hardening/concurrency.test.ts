/**
 * Two service instances on one database (two connection pools on Postgres; PGlite has one
 * connection, so there the two interleave):
 * - the same platform event delivered to both, at once, again and again: one reply;
 * - two secretaries editing the same record at the same time, on different instances: no lost
 *   update — every change reported as made is in the record.
 * Every job fired by both instances, and concurrent corrections of other records: slow/twice.test.ts.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../db/schema/index.ts';
import type { ChatMessage } from '../../src/bot/types.ts';
import { feishuUuid } from '../../src/platforms/feishu/sender.ts';
import { startFakeFeishu, type FakeFeishu } from '../fakes/feishu-server.ts';
import { secondInstance } from '../notify/fixtures.ts';
import { feishu, feishuMessage, FEISHU_TENANT } from './support/requests.ts';
import { raceOnTwo } from './support/race.ts';
import { simClock, startService, type Service } from './support/service.ts';
import { chatMessage, createWorld, SECRETS, type World } from './support/world.ts';
import type { DbHandle } from '../../db/client.ts';

describe('two instances on one database', () => {
  const clock = simClock('2026-12-02T10:00:00+08:00');
  let world: World;
  let fake: FakeFeishu;
  let a: Service;
  let b: Service;
  let second: DbHandle;

  beforeAll(async () => {
    world = await createWorld();
    fake = await startFakeFeishu({ appId: SECRETS.FEISHU_APP_ID, appSecret: SECRETS.FEISHU_APP_SECRET, rateLimit: false });
    second = await secondInstance(world.bot.handle as DbHandle & { url?: string });
    a = await startService({ handle: world.bot.handle, clock, feishuBaseUrl: fake.baseUrl, keepDb: true });
    b = await startService({ handle: second, clock, feishuBaseUrl: fake.baseUrl, keepDb: true });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await second?.close();
    await world?.close();
    await fake?.close();
  });

  it('the same Feishu event, delivered to both instances at once, five times over: one reply each', async () => {
    const events = Array.from({ length: 4 }, (_, i) => feishuMessage({ text: '帮助', messageId: `om_twice_${i}`, openId: `ou_twice_${i}` }));
    for (let round = 0; round < 5; round++) {
      const statuses = await Promise.all(events.flatMap((e) => [a, b].map(async (s) => {
        const again = { ...e, header: { ...e.header, event_id: `${e.header.event_id}-${round}` } };
        return (await s.runtime.app.request('/feishu/events', feishu(again, clock.now()))).status;
      })));
      expect(statuses.every((s) => s === 200)).toBe(true);
      await Promise.all([a.pump(), b.pump()]);
    }
    await Promise.all([a.pump(), b.pump()]);
    const uuids = fake.sent().map((m) => m.uuid);
    for (let i = 0; i < events.length; i++) {
      expect(uuids.filter((u) => u === feishuUuid(`reply:feishu:${FEISHU_TENANT}:om_twice_${i}`))).toHaveLength(1);
    }
    // Each reply reached the platform once: no second send even absorbed by Feishu's uuid.
    const calls = fake.calls.filter((c) => c.path.startsWith('/open-apis/im/v1/messages'));
    expect(calls).toHaveLength(events.length);
  });

  const race = (m1: ChatMessage, m2: ChatMessage) => raceOnTwo(world.db, [a, b], m1, m2);

  it('two secretaries changing the same member at once: every change reported done is kept', async () => {
    for (let round = 0; round < 6; round++) {
      // Each round asks for a change from what the record holds now (a lost race leaves it as it was).
      const [before] = await world.db.select().from(members).where(eq(members.name, '赵六'));
      const status = before!.status === '预备党员' ? '正式党员' : '预备党员';
      const roles = before!.roles.includes('纪检委员') ? '宣传委员' : '纪检委员';
      const [r1, r2] = await race(
        chatMessage(world.persona('书记'), `成员 设置 赵六 身份:${status}`, { now: clock.now() }),
        chatMessage(world.persona('副书记'), `成员 设置 赵六 职务:${roles}`, { now: clock.now() }),
      );
      const [row] = await world.db.select().from(members).where(eq(members.name, '赵六'));
      expect(r1.startsWith('已更新') || r1.includes('刚被他人修改'), r1).toBe(true);
      expect(r2.startsWith('已更新') || r2.includes('刚被他人修改'), r2).toBe(true);
      if (r1.startsWith('已更新')) expect(row!.status, `round ${round}`).toBe(status);
      if (r2.startsWith('已更新')) expect(row!.roles, `round ${round}`).toEqual([roles]);
    }
  });

});
