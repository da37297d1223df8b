import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDb } from '../helpers/db.ts';
import type { DbHandle } from '../../db/client.ts';
import { outbox } from '../../db/schema/index.ts';
import { memoryLogger } from '../../src/log.ts';
import { enqueue } from '../../src/notify/outbox.ts';
import { backoffMs, createSender, BACKOFF_CAP_MS } from '../../src/notify/sender.ts';
import { safeError } from '../../src/notify/alert.ts';
import { createRateLimiter, GUARD_MS } from '../../src/notify/rate-limit.ts';
import { addTenant, at, clock, recordingSender, TZ, user } from './fixtures.ts';

const text = (t: string) => ({ kind: 'text' as const, text: t });
const BIG = { feishu: { appPerSecond: 10_000, recipientPerSecond: 10_000 }, dingtalk: { appPerSecond: 10_000, recipientPerSecond: 10_000 }, console: { appPerSecond: 10_000, recipientPerSecond: 10_000 } };

describe('outbox sender', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createTestDb();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.db.delete(outbox);
  });

  const rowOf = async (key: string) => (await h.db.select().from(outbox).where(eq(outbox.dedupeKey, key)))[0]!;
  const put = (key: string, now: Date, extra: Partial<Parameters<typeof enqueue>[1]> = {}) =>
    enqueue(h.db, { recipient: user('ou_1'), reply: text(key), dedupeKey: key, ...extra }, { now, tz: TZ });

  it('sends due rows, batched per platform, and marks them sent', async () => {
    const c = clock(at('2026-12-01T09:00'));
    await put('a', c.now(), { recipient: user('ou_a') });
    await put('b', c.now(), { recipient: user('ou_b') });
    await put('later', c.now(), { notBefore: at('2026-12-01T10:00') });
    await put('d', c.now(), { recipient: user('s1', 'dingtalk') });
    const feishu = recordingSender('feishu');
    const dingtalk = recordingSender('dingtalk');
    const s = createSender({ db: h.db, senders: [feishu, dingtalk], log: memoryLogger(), now: c.now, admins: [], limits: BIG });
    expect(await s.drainOnce()).toEqual({ sent: 3, retried: 0, failed: 0, deferred: 0 });
    expect(feishu.calls.map((b) => b.map((o) => o.dedupeKey))).toEqual([['a', 'b']]);
    expect(dingtalk.sent.map((o) => o.dedupeKey)).toEqual(['d']);
    expect(await rowOf('a')).toMatchObject({ status: 'sent', attempts: 1, sentAt: c.now(), claimedUntil: null });
    expect((await rowOf('later')).status).toBe('pending');
    expect(await s.drainOnce()).toEqual({ sent: 0, retried: 0, failed: 0, deferred: 0 });
  });

  it('retries with exponential backoff and equal jitter, then honours a longer server reset time', async () => {
    expect(backoffMs(1, () => 0.5)).toBe(1_500);
    expect(backoffMs(3, () => 0.5)).toBe(6_000);
    expect(backoffMs(30, () => 0.999999)).toBe(BACKOFF_CAP_MS - 1);
    expect(backoffMs(4, () => 0)).toBe(8_000); // never less than half the step

    const c = clock(at('2026-12-01T09:00'));
    await put('r', c.now());
    const results = [
      { ok: false as const, retryable: true as const, error: 'HTTP 500' },
      { ok: false as const, retryable: true as const, error: 'HTTP 429 code 99991400', retryAfterMs: 30_000 },
      { ok: true as const },
    ];
    const feishu = recordingSender('feishu', { result: (_, n) => results[n - 1]! });
    const s = createSender({ db: h.db, senders: [feishu], log: memoryLogger(), now: c.now, admins: [], random: () => 0.5, limits: BIG });

    expect(await s.drainOnce()).toMatchObject({ retried: 1 });
    expect(await rowOf('r')).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500', notBefore: at('2026-12-01T09:00:01.500') });
    c.advance(1_499);
    expect(await s.drainOnce()).toMatchObject({ sent: 0, retried: 0 });
    c.advance(1);
    expect(await s.drainOnce()).toMatchObject({ retried: 1 });
    // Backoff would be 3 s; the server said 30 s.
    expect(await rowOf('r')).toMatchObject({ attempts: 2, notBefore: new Date(c.now().getTime() + 30_000) });
    c.advance(29_999);
    expect(await s.drainOnce()).toMatchObject({ sent: 0 });
    c.advance(1);
    expect(await s.drainOnce()).toMatchObject({ sent: 1 });
    expect(await rowOf('r')).toMatchObject({ status: 'sent', attempts: 3 });
    expect(feishu.calls).toHaveLength(3);
  });

  it('a retry that would land in quiet hours waits for the morning (not a reply)', async () => {
    const c = clock(at('2026-12-01T21:59:50'));
    await put('late-reminder', c.now());
    await put('late-reply', c.now(), { kind: 'reply', recipient: user('ou_2') });
    const feishu = recordingSender('feishu', { result: (_, n) => (n === 1 ? { ok: false, retryable: true, error: 'busy', retryAfterMs: 60_000 } : { ok: true }) });
    const s = createSender({ db: h.db, senders: [feishu], log: memoryLogger(), now: c.now, admins: [], limits: BIG });
    await s.drainOnce();
    expect((await rowOf('late-reminder')).notBefore).toEqual(at('2026-12-02T08:00'));
    expect((await rowOf('late-reply')).notBefore).toEqual(at('2026-12-01T22:00:50'));
  });

  it('rows that became due before quiet hours but are drained inside them are deferred; replies go out', async () => {
    const tenantId = await addTenant(h.db, { quietHours: { start: '21:00', end: '07:00' } }, 'feishu', 'quiet-tenant');
    const due = at('2026-12-01T20:50');
    await put('reminder', due, { tenantId });
    await put('summary', due, { kind: 'summary', recipient: user('ou_3') });
    await put('reply', due, { kind: 'reply', tenantId, recipient: user('ou_4') });
    const c = clock(at('2026-12-01T21:30')); // the service was down 20:50–21:30
    const feishu = recordingSender('feishu');
    const s = createSender({ db: h.db, senders: [feishu], log: memoryLogger(), now: c.now, admins: [], limits: BIG });
    expect(await s.drainOnce()).toEqual({ sent: 2, retried: 0, failed: 0, deferred: 1 });
    expect(feishu.sent.map((o) => o.dedupeKey).sort()).toEqual(['reply', 'summary']); // default quiet starts 22:00
    expect(await rowOf('reminder')).toMatchObject({ status: 'pending', attempts: 0, notBefore: at('2026-12-02T07:00') });
    c.set(at('2026-12-02T07:00'));
    expect(await s.drainOnce()).toMatchObject({ sent: 1 });
  });

  it('waits for room instead of provoking 429s: 5 at once to one user, the rest when the second is over', async () => {
    const c = clock(at('2026-12-01T09:00'));
    for (let i = 0; i < 8; i++) await put(`burst-${i}`, c.now(), { recipient: user('ou_same') });
    let t = 0;
    const sleeps: number[] = [];
    const limiter = createRateLimiter(undefined, () => t);
    const feishu = recordingSender('feishu');
    const s = createSender({
      db: h.db, senders: [feishu], log: memoryLogger(), now: c.now, admins: [], rateLimiter: limiter,
      sleep: async (ms) => { sleeps.push(ms); t += ms; },
    });
    expect(await s.drainOnce()).toMatchObject({ sent: 8 });
    expect(feishu.calls.map((b) => b.length)).toEqual([5, 3]);
    expect(sleeps).toEqual([1000 + GUARD_MS.second]);
    expect(feishu.sent.map((o) => o.dedupeKey)).toEqual([...Array(8).keys()].map((i) => `burst-${i}`));
  });

  it('fails a row after N attempts or at once when not retryable, and alerts each admin once per burst', async () => {
    const c = clock(at('2026-12-01T09:00'));
    await addTenant(h.db, {}, 'dingtalk', 'corp1');
    const secret = 'S3cretAppValue';
    await put('bad-user', c.now(), { recipient: user('ou_gone') });
    await put('flaky', c.now(), { recipient: user('ou_flaky') });
    const feishu = recordingSender('feishu', {
      result: (item) => item.dedupeKey === 'bad-user'
        ? { ok: false, retryable: false, error: `230013 user out of scope; app_secret=${secret} Bearer t-abc.def` }
        : item.dedupeKey === 'flaky' ? { ok: false, retryable: true, error: 'HTTP 502' } : { ok: true },
    });
    const log = memoryLogger();
    const s = createSender({
      db: h.db, senders: [feishu], log, now: c.now, admins: ['feishu:ou_admin', 'dingtalk:boss'], maxAttempts: 3,
      random: () => 0, limits: BIG, secrets: [secret],
    });
    expect(await s.drainOnce()).toMatchObject({ failed: 1, retried: 1 });
    expect(await rowOf('bad-user')).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await rowOf('bad-user')).lastError).not.toContain(secret);
    c.advance(1_000);
    await s.drainOnce();
    c.advance(60_000);
    expect(await s.drainOnce()).toMatchObject({ failed: 1 }); // third attempt of 'flaky'
    expect(await rowOf('flaky')).toMatchObject({ status: 'failed', attempts: 3, lastError: 'HTTP 502' });

    const alerts = await h.db.select().from(outbox).where(sql`${outbox.kind} = 'alert'`).orderBy(outbox.id);
    expect(alerts.map((a) => a.dedupeKey)).toEqual([
      'alert:outbox-failed:feishu:2026-12-01T09:feishu:ou_admin',
      'alert:outbox-failed:feishu:2026-12-01T09:dingtalk:boss',
    ]);
    expect(alerts[0]!.recipient).toEqual({ platform: 'feishu', kind: 'user', id: 'ou_admin', tenantKey: 't1' });
    expect(alerts[1]!.recipient).toMatchObject({ platform: 'dingtalk', id: 'boss', tenantKey: 'corp1' });
    const body = JSON.stringify(alerts[0]!.reply);
    expect(body).toContain('有 1 条飞书消息发送失败');
    expect(body).toContain('230013');
    expect(body).not.toContain(secret);
    expect(body).not.toContain('t-abc.def');
    // The alert itself went out through the feishu sender on the next drain (it's the only due row).
    await s.drainOnce();
    expect(feishu.sent.map((o) => o.dedupeKey)).toContain('alert:outbox-failed:feishu:2026-12-01T09:feishu:ou_admin');

    // A failure in the next hour is a new burst.
    c.set(at('2026-12-01T10:05'));
    await put('bad-user-2', c.now(), { recipient: user('ou_gone') , reply: text('x') });
    await h.db.update(outbox).set({ status: 'failed' }).where(eq(outbox.dedupeKey, 'bad-user'));
    feishu.send = async (items) => items.map(() => ({ ok: false, retryable: false, error: 'gone' }));
    await s.drainOnce();
    const count = await h.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(sql`${outbox.kind} = 'alert'`);
    expect(count[0]!.n).toBe(4);
  });

  it('a `forget` row keeps neither text nor recipient once delivered or given up; a retry keeps both', async () => {
    const c = clock(at('2026-12-01T09:00'));
    const secretText = { kind: 'text' as const, text: '只给书记看的话', forget: true };
    await put('anon-ok', c.now(), { recipient: user('ou_writer'), reply: secretText, inReplyTo: { messageId: 'om_1', chatKind: 'private' } });
    await put('anon-gone', c.now(), { recipient: user('ou_left'), reply: { ...secretText, kind: 'card', title: '匿名谈心 · 匿名#1' } });
    await put('anon-flaky', c.now(), { recipient: user('ou_flaky'), reply: secretText });
    await put('plain', c.now(), { recipient: user('ou_plain') });
    const feishu = recordingSender('feishu', {
      result: (item) => item.dedupeKey === 'anon-gone' ? { ok: false, retryable: false, error: 'open_id ou_left not found' }
        : item.dedupeKey === 'anon-flaky' ? { ok: false, retryable: true, error: 'HTTP 502' } : { ok: true },
    });
    const s = createSender({ db: h.db, senders: [feishu], log: memoryLogger(), now: c.now, admins: ['feishu:ou_admin'], limits: BIG });
    expect(await s.drainOnce()).toMatchObject({ sent: 2, failed: 1, retried: 1 });
    // What the platform got was the real message.
    expect(feishu.sent.find((o) => o.dedupeKey === 'anon-ok')!.reply).toMatchObject({ text: '只给书记看的话' });

    const forgotten = { kind: 'text', text: '（匿名消息，送达后不保留内容）' };
    expect(await rowOf('anon-ok')).toMatchObject({
      status: 'sent', reply: forgotten, recipient: { platform: 'feishu', kind: 'user', id: 'forgotten' }, inReplyTo: null,
    });
    expect(await rowOf('anon-gone')).toMatchObject({
      status: 'failed', reply: forgotten, recipient: { id: 'forgotten' }, lastError: 'open_id forgotten not found',
    });
    expect(await rowOf('anon-flaky')).toMatchObject({ status: 'pending', reply: secretText, recipient: { id: 'ou_flaky' } });
    expect(await rowOf('plain')).toMatchObject({ status: 'sent', reply: text('plain'), recipient: { id: 'ou_plain' } });
    const alerts = await h.db.select().from(outbox).where(sql`${outbox.kind} = 'alert'`);
    expect(JSON.stringify(alerts.map((a) => a.reply))).not.toContain('ou_left');
  });

  it('a burst of failures across the hour raises one alert; failures an hour after the last alert raise the next', async () => {
    const c = clock(at('2026-12-01T09:58'));
    const feishu = recordingSender('feishu', { result: () => ({ ok: false, retryable: false, error: '230013 user out of scope' }) });
    const s = createSender({ db: h.db, senders: [feishu], log: memoryLogger(), now: c.now, admins: ['dingtalk:boss'], limits: BIG });
    const alerts = async () => (await h.db.select().from(outbox).where(eq(outbox.kind, 'alert'))).map((a) => a.dedupeKey);
    for (const [local, key] of [['2026-12-01T09:58', 'b1'], ['2026-12-01T10:02', 'b2'], ['2026-12-01T10:30', 'b3'], ['2026-12-01T10:57', 'b4']] as const) {
      c.set(at(local));
      await put(key, c.now(), { recipient: user(`ou_${key}`) });
      expect(await s.drainOnce()).toMatchObject({ failed: 1 });
    }
    expect(await alerts()).toEqual(['alert:outbox-failed:feishu:2026-12-01T09:dingtalk:boss']);
    // Still failing an hour after that alert: one more, not one per failure.
    c.set(at('2026-12-01T11:01'));
    await put('b5', c.now(), { recipient: user('ou_b5') });
    await put('b6', c.now(), { recipient: user('ou_b6') });
    await s.drainOnce();
    expect(await alerts()).toEqual([
      'alert:outbox-failed:feishu:2026-12-01T09:dingtalk:boss',
      'alert:outbox-failed:feishu:2026-12-01T11:dingtalk:boss',
    ]);
  });

  it('a row for a platform with no sender stays pending and is logged once', async () => {
    const c = clock(at('2026-12-01T09:00'));
    await put('ding', c.now(), { recipient: user('staff1', 'dingtalk') });
    const log = memoryLogger();
    const s = createSender({ db: h.db, senders: [recordingSender('feishu')], log, now: c.now, admins: [], limits: BIG });
    await s.drainOnce();
    c.advance(120_000);
    await s.drainOnce();
    expect((await rowOf('ding')).status).toBe('pending');
    expect(log.lines.filter((l) => l.includes('no sender configured'))).toHaveLength(1);
  });

  it('a thrown platform error is retryable; a crashed sender’s claim lapses and another instance sends', async () => {
    const c = clock(at('2026-12-01T09:00'));
    await put('stuck', c.now());
    let release!: (v: { ok: true }[]) => void;
    const hanging = { platform: 'feishu' as const, send: () => new Promise<{ ok: true }[]>((r) => { release = r; }) };
    const a = createSender({ db: h.db, senders: [hanging], log: memoryLogger(), now: c.now, admins: [], limits: BIG, claimTtlMs: 60_000 });
    const pendingA = a.drainOnce(); // "crashes" mid-send: never returns in time
    await expect.poll(async () => (await rowOf('stuck')).status).toBe('sending');

    const feishu = recordingSender('feishu');
    const b = createSender({ db: h.db, senders: [feishu], log: memoryLogger(), now: c.now, admins: [], limits: BIG });
    c.advance(59_000);
    expect(await b.drainOnce()).toMatchObject({ sent: 0 }); // claim still valid
    c.advance(2_000);
    expect(await b.drainOnce()).toMatchObject({ sent: 1 });
    expect(await rowOf('stuck')).toMatchObject({ status: 'sent', attempts: 2 });
    // A's late answer does not disturb the row.
    release([{ ok: true }]);
    await pendingA;
    expect(await rowOf('stuck')).toMatchObject({ status: 'sent', attempts: 2 });

    await put('throws', c.now());
    const c2 = createSender({
      db: h.db, senders: [{ platform: 'feishu', send: async () => { throw new Error('socket hang up'); } }],
      log: memoryLogger(), now: c.now, admins: [], limits: BIG,
    });
    expect(await c2.drainOnce()).toMatchObject({ retried: 1 });
    expect(await rowOf('throws')).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Error: socket hang up' });
  });

  it('start() polls, kick() wakes it at once, stop() finishes the send in flight', async () => {
    const feishu = recordingSender('feishu', { delayMs: 100 });
    const s = createSender({ db: h.db, senders: [feishu], log: memoryLogger(), admins: [], limits: BIG, pollMs: 60_000 });
    s.start();
    await new Promise((r) => setTimeout(r, 50));
    // A reply, so a run during quiet hours (real clock here) does not defer it.
    await put('kicked', new Date(Date.now() - 1000), { kind: 'reply' });
    s.kick();
    await expect.poll(() => feishu.calls.length, { timeout: 5_000 }).toBe(1);
    await s.stop();
    expect((await rowOf('kicked')).status).toBe('sent');
  });

  it('safeError strips credentials and bounds the length', () => {
    expect(safeError('token=abc123 fine', [])).toBe('token=[redacted] fine');
    expect(safeError('x'.repeat(1000))).toHaveLength(300);
    expect(safeError('the secret is hunter22', ['hunter22'])).toBe('the secret is [redacted]');
  });
});
