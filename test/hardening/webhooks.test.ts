/**
 * Every webhook endpoint of the running service (the real app, inbox and database): forged, stale and
 * replayed requests, malformed bodies (truncated JSON, wrong types, oversized), card taps with
 * tampered or expired values. A refused request answers 4xx and stores nothing; a replay is processed
 * once; nothing ever answers 5xx for bad input.
 */
import fc from 'fast-check';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, branches, identities, inbox, members, outbox, tenants } from '../../db/schema/index.ts';
import { signAction } from '../../src/bot/action-token.ts';
import { ACTION_VALUE_KEY } from '../../src/platforms/feishu/render.ts';
import { changedTables, snapshot, type Snapshot } from './support/invariants.ts';
import {
  dingtalk, dingtalkMessage, feishu, feishuCard, feishuMessage, feishuRawInner, FEISHU_TENANT, type Req,
} from './support/requests.ts';
import { createWorld, SECRETS, type World } from './support/world.ts';

const FEISHU_SECRETARY = 'ou_hardening_secretary';

describe('webhook endpoints under attack and abuse', () => {
  let world: World;
  let now: Date;
  const post = (path: string, req: Req | RequestInit) => world.bot.runtime.app.request(path, req);

  beforeAll(async () => {
    world = await createWorld();
    now = world.bot.now();
    const db = world.db;
    const [t] = await db.insert(tenants).values({ platform: 'feishu', externalKey: FEISHU_TENANT, name: '飞书单位' }).returning();
    const [b] = await db.insert(branches).values({ tenantId: t!.id, name: '飞书支部' }).returning();
    const [m] = await db.insert(members).values({ tenantId: t!.id, branchId: b!.id, name: '飞书书记', roles: ['书记'] }).returning();
    await db.insert(identities).values({ tenantId: t!.id, platform: 'feishu', userId: FEISHU_SECRETARY, memberId: m!.id });
  });
  afterAll(() => world?.close());

  async function state(): Promise<{ snap: Snapshot; inbox: number; outbox: number }> {
    const [i] = await world.db.select({ n: count() }).from(inbox);
    const [o] = await world.db.select({ n: count() }).from(outbox);
    return { snap: await snapshot(world.db), inbox: i!.n, outbox: o!.n };
  }
  /** Posts and asserts the answer is `status` (or one of them) and nothing at all was stored. */
  async function refused(path: string, req: Req | RequestInit, status: number | number[]) {
    const before = await state();
    const res = await post(path, req);
    expect([status].flat(), `${path} → ${res.status}: ${await res.clone().text()}`).toContain(res.status);
    await world.bot.runtime.deferrer.settle();
    const after = await state();
    expect(changedTables(before.snap, after.snap)).toEqual([]);
    expect([after.inbox, after.outbox]).toEqual([before.inbox, before.outbox]);
    return res;
  }
  const settle = async () => {
    await world.bot.runtime.deferrer.settle();
    while (await world.bot.runtime.processPending());
  };

  describe('forged, stale and unsigned requests: 401, nothing stored', () => {
    const feishuPaths = ['/feishu/events', '/feishu/cards'];
    it.each(feishuPaths)('%s', async (path) => {
      const body = path === '/feishu/events' ? feishuMessage({ text: '帮助' }) : feishuCard({ value: {}, openId: FEISHU_SECRETARY });
      const sec = Math.floor(now.getTime() / 1000);
      await refused(path, feishu(body, now, { key: 'attacker-key' }), 401);
      await refused(path, feishu(body, now, { timestamp: sec - 301 }), 401);
      await refused(path, feishu(body, now, { timestamp: sec + 301 }), 401);
      const unsigned = feishu(body, now);
      await refused(path, { method: 'POST', body: unsigned.body, headers: { 'content-type': 'application/json' } }, 401);
      const wrongToken = path === '/feishu/events'
        ? { ...body, header: { ...body.header, token: 'guessed-token' } }
        : { ...body, header: { ...body.header, token: 'guessed-token' } };
      await refused(path, feishu(wrongToken, now), 401);
      // A body swapped under a captured signature.
      const captured = feishu(body, now);
      await refused(path, { ...captured, body: feishu(feishuMessage({ text: '成员 列表' }), now).body }, 401);
    });

    it('/dingtalk/events', async () => {
      const body = dingtalkMessage(now);
      await refused('/dingtalk/events', dingtalk(body, now, { secret: 'attacker-secret' }), 401);
      await refused('/dingtalk/events', dingtalk(body, now, { timestamp: now.getTime() - 3_600_001 }), 401);
      await refused('/dingtalk/events', dingtalk(body, now, { timestamp: now.getTime() + 3_600_001 }), 401);
      await refused('/dingtalk/events', dingtalk(body, now, { headers: { 'content-type': 'application/json' } }), 401);
      await refused('/dingtalk/events', dingtalk(body, now, { headers: { timestamp: 'abc', sign: 'x' } }), 401);
    });

    it('unknown paths and methods', async () => {
      await refused('/feishu/events', { method: 'GET' }, [404, 405]);
      await refused('/dingtalk/events', { method: 'PUT', body: '{}' }, [404, 405]);
      await refused('/admin', { method: 'POST', body: '{}' }, 404);
      await refused('/feishu/events/../cards', { method: 'POST', body: '{}' }, [400, 401, 404]);
    });
  });

  describe('replays are processed once', () => {
    it('a Feishu message delivered again (same body, or a new event id) gets one reply', async () => {
      const event = feishuMessage({ text: '帮助', messageId: 'om_replay_1' });
      const req = feishu(event, now);
      for (let i = 0; i < 3; i++) expect((await post('/feishu/events', req)).status).toBe(200);
      const again = { ...event, header: { ...event.header, event_id: 'ev_other' } };
      expect((await post('/feishu/events', feishu(again, now))).status).toBe(200);
      await settle();
      const rows = await world.db.select().from(outbox).where(eq(outbox.dedupeKey, `reply:feishu:${FEISHU_TENANT}:om_replay_1`));
      expect(rows).toHaveLength(1);
      expect(await world.db.select().from(inbox).where(eq(inbox.dedupeKey, `feishu:${FEISHU_TENANT}:om_replay_1`))).toHaveLength(1);
    });

    it('a DingTalk message replayed with a fresh signature gets one reply', async () => {
      const body = dingtalkMessage(now, { msgId: 'msg_replay_1' });
      for (let i = 0; i < 3; i++) {
        const res = await post('/dingtalk/events', dingtalk(body, new Date(now.getTime() + i * 1000)));
        expect(res.status).toBe(200);
      }
      await settle();
      expect(await world.db.select().from(inbox).where(eq(inbox.dedupeKey, `dingtalk:dingcorp_hardening:msg_replay_1`))).toHaveLength(1);
    });

    it('text no database column can hold (NUL, lone surrogates) is still accepted and answered, once', async () => {
      const event = feishuMessage({ text: '帮助\u0000\uD800 党费\u0000计算', messageId: 'om_nul_1' });
      expect((await post('/feishu/events', feishu(event, now))).status).toBe(200);
      const ding = dingtalkMessage(now, { msgId: 'msg_nul_1', text: ' 帮助\u0000\uDFFF' });
      expect((await post('/dingtalk/events', dingtalk(ding, now))).status).toBe(200);
      await settle();
      for (const key of [`feishu:${FEISHU_TENANT}:om_nul_1`, 'dingtalk:dingcorp_hardening:msg_nul_1']) {
        const [row] = await world.db.select().from(inbox).where(eq(inbox.dedupeKey, key));
        expect(row?.status).toBe('done');
        expect(await world.db.select().from(outbox).where(eq(outbox.dedupeKey, `reply:${key}`))).toHaveLength(1);
      }
    });

    it('a card tap replayed (same signed request) runs its command once', async () => {
      const token = signAction({ command: '成员 添加 卡片新人', userId: FEISHU_SECRETARY, expiresAt: new Date(now.getTime() + 3_600_000) },
        world.bot.runtime.config.serverKey);
      const req = feishu(feishuCard({ value: { [ACTION_VALUE_KEY]: token }, openId: FEISHU_SECRETARY, eventId: 'ev_card_replay' }), now);
      const first = await post('/feishu/cards', req);
      expect(first.status).toBe(200);
      expect(JSON.stringify(await first.json())).toContain('卡片新人');
      const second = await post('/feishu/cards', req);
      expect(second.status).toBe(200);
      const added = await world.db.select().from(members).where(eq(members.name, '卡片新人'));
      expect(added).toHaveLength(1);
    });
  });

  describe('card taps with tampered, expired or misdirected values: refused with a toast, nothing run', () => {
    const tap = async (value: unknown, openId = FEISHU_SECRETARY, chatId?: string) => {
      const before = await state();
      const res = await post('/feishu/cards', feishu(feishuCard({ value, openId, ...(chatId ? { chatId } : {}) }), now));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { toast: { type: string; content: string } };
      const after = await state();
      expect(changedTables(before.snap, after.snap)).toEqual([]);
      return body.toast;
    };
    const key = () => world.bot.runtime.config.serverKey;
    const later = () => new Date(now.getTime() + 3_600_000);

    it('tampered command, forged key, truncated token, junk values', async () => {
      const good = signAction({ command: '成员 添加 篡改者', userId: FEISHU_SECRETARY, expiresAt: later() }, key());
      const [v, body, mac] = good.split('.');
      const evil = Buffer.from(JSON.stringify({ c: '成员 移出 飞书书记', u: FEISHU_SECRETARY, e: 9_999_999_999 })).toString('base64url');
      for (const value of [
        { [ACTION_VALUE_KEY]: `${v}.${evil}.${mac}` },
        { [ACTION_VALUE_KEY]: signAction({ command: '成员 添加 篡改者', userId: FEISHU_SECRETARY, expiresAt: later() }, 'attacker') },
        { [ACTION_VALUE_KEY]: `${v}.${body}` },
        { [ACTION_VALUE_KEY]: good.slice(0, -3) },
        { [ACTION_VALUE_KEY]: 12 }, { [ACTION_VALUE_KEY]: null }, { command: '成员 添加 篡改者' }, 'a string', [good], null,
      ]) {
        expect((await tap(value)).type).toBe('error');
      }
      expect(await world.db.select().from(members).where(eq(members.name, '篡改者'))).toHaveLength(0);
    });

    it('expired, and sent to someone else', async () => {
      const expired = signAction({ command: '成员 添加 过期者', userId: FEISHU_SECRETARY, expiresAt: new Date(now.getTime() - 1000) }, key());
      expect(await tap({ [ACTION_VALUE_KEY]: expired })).toMatchObject({ type: 'error', content: expect.stringContaining('过期') });
      const forAlice = signAction({ command: '成员 添加 冒用者', userId: 'ou_alice', expiresAt: later() }, key());
      expect((await tap({ [ACTION_VALUE_KEY]: forAlice })).content).toContain('其他人');
      const forGroup = signAction({ command: '成员 添加 冒用者', chatId: 'oc_a', expiresAt: later() }, key());
      expect((await tap({ [ACTION_VALUE_KEY]: forGroup }, FEISHU_SECRETARY, 'oc_b')).content).toContain('不属于当前群聊');
    });

    it('a genuine button still runs only what the tapper may run', async () => {
      const token = signAction({ command: '支部 新建 越权支部', userId: 'ou_plain', expiresAt: later() }, key());
      const toast = await tap({ [ACTION_VALUE_KEY]: token }, 'ou_plain');
      expect(toast.content).toMatch(/仅管理员可用|尚未绑定/);
    });
  });

  describe('malformed bodies: 4xx, nothing stored', () => {
    const valid = () => feishuMessage({ text: '帮助' });
    const mistyped = (): Record<string, unknown>[] => {
      const e = valid();
      const ev = e.event as Record<string, any>;
      return [
        { ...e, header: 'header' },
        { ...e, event: [1, 2] },
        { ...e, event: { ...ev, message: 'message' } },
        { ...e, event: { ...ev, message: { ...ev.message, message_id: 12345 } } },
        { ...e, event: { ...ev, message: { ...ev.message, chat_id: { id: 1 } } } },
        { ...e, event: { ...ev, sender: { ...ev.sender, sender_id: 'ou_x' } } },
        { ...e, event: { ...ev, sender: null } },
        { ...e, header: { ...e.header, tenant_key: 42 }, event: { ...ev, sender: { ...ev.sender, tenant_key: 42 } } },
      ];
    };

    it('Feishu events: truncated, not an object, wrong types, oversized', async () => {
      const inner = JSON.stringify(valid());
      for (const cut of [1, 10, Math.floor(inner.length / 2), inner.length - 1]) {
        await refused('/feishu/events', feishuRawInner(inner.slice(0, cut), now), 400);
      }
      for (const raw of ['', '[]', 'null', '"text"', '42', '{"encrypt": 42}', '{"encrypt": "not base64!"}', '{"schema":"2.0"}']) {
        await refused('/feishu/events', feishu(undefined, now, { rawBody: raw }), [400, 401]);
      }
      for (const body of mistyped()) await refused('/feishu/events', feishu(body, now), 400);
      const big = feishu({ ...valid(), pad: 'x'.repeat(1024 * 1024) }, now);
      await refused('/feishu/events', big, 413);
    });

    it('Feishu card callbacks: truncated, wrong types, oversized', async () => {
      const inner = JSON.stringify(feishuCard({ value: {}, openId: FEISHU_SECRETARY }));
      await refused('/feishu/cards', feishuRawInner(inner.slice(0, inner.length - 5), now), 400);
      await refused('/feishu/cards', feishu({ schema: '2.0', header: { token: SECRETS.FEISHU_VERIFICATION_TOKEN, event_type: 42 }, event: {} }, now), 400);
      await refused('/feishu/cards', feishu({ ...JSON.parse(inner), pad: 'x'.repeat(1024 * 1024) }, now), 413);
    });

    it('DingTalk: truncated, not an object, wrong types, oversized', async () => {
      const body = dingtalkMessage(now);
      const raw = JSON.stringify(body);
      for (const cut of [1, 20, raw.length - 1]) await refused('/dingtalk/events', dingtalk(undefined, now, { rawBody: raw.slice(0, cut) }), 400);
      for (const bad of [[], null, 'text', 42, {}, { ...body, msgId: 42 }, { ...body, text: 'hi' }, { ...body, conversationId: null },
        { ...body, atUsers: 'all' }, { ...body, createAt: 'yesterday' }]) {
        await refused('/dingtalk/events', dingtalk(bad, now), 400);
      }
      await refused('/dingtalk/events', dingtalk({ ...body, pad: 'x'.repeat(1024 * 1024) }, now), 413);
    });

    it('property: random mutations of valid bodies never get a 5xx, and a refused one stores nothing', async () => {
      let tried = 0;
      const leaf = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 20 }), fc.boolean(), fc.constant([]), fc.constant({}),
        fc.constant('x'.repeat(5000)));
      await fc.assert(fc.asyncProperty(
        fc.constantFrom('feishu', 'dingtalk'), fc.array(fc.tuple(fc.nat(), leaf), { minLength: 1, maxLength: 3 }), fc.nat(),
        async (platform, edits, cut) => {
          tried++;
          const body = platform === 'feishu' ? valid() as unknown as Record<string, unknown> : dingtalkMessage(now);
          for (const [pick, value] of edits) setLeaf(body, pick, value);
          const text = JSON.stringify(body);
          const raw = cut % 4 === 0 ? text.slice(0, cut % text.length) : text;
          const req = platform === 'feishu' ? feishuRawInner(raw, now) : dingtalk(undefined, now, { rawBody: raw });
          const before = await state();
          const res = await post(`/${platform}/events`, req);
          expect(res.status).toBeLessThan(500);
          await settle();
          if (res.status !== 200) expect((await state()).inbox).toBe(before.inbox);
        }), { numRuns: 30, seed: 14 });
      expect(tried).toBe(30);
    });
  });
});

/** Replaces the `pick`-th leaf (depth-first) of `obj` with `value`. */
function setLeaf(obj: Record<string, unknown>, pick: number, value: unknown): void {
  const leaves: [Record<string, unknown>, string][] = [];
  const walk = (o: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>);
      else leaves.push([o, k]);
    }
  };
  walk(obj);
  const [target, key] = leaves[pick % leaves.length]!;
  target[key] = value;
}
