import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb } from '../helpers/db.ts';
import type { DbHandle } from '../../db/client.ts';
import { outbox } from '../../db/schema/index.ts';
import { enqueue, outboxStats } from '../../src/notify/outbox.ts';
import { addTenant, at, TZ, user } from './fixtures.ts';

describe('outbox enqueue', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createTestDb();
  });
  afterAll(() => h.close());

  const row = async (key: string) => (await h.db.select().from(outbox).where(eq(outbox.dedupeKey, key)))[0]!;

  it('is idempotent: a second enqueue of the same key changes nothing', async () => {
    const now = at('2026-12-01T09:00');
    const item = { recipient: user('ou_1'), reply: { kind: 'text' as const, text: '第一版' }, dedupeKey: 'dues-unpaid:1:2026-11' };
    expect(await enqueue(h.db, item, { now, tz: TZ })).toBe(true);
    expect(await enqueue(h.db, { ...item, reply: { kind: 'text', text: '第二版' }, notBefore: at('2026-12-02T09:00') }, { now, tz: TZ })).toBe(false);
    const r = await row(item.dedupeKey);
    expect(r.reply).toEqual({ kind: 'text', text: '第一版' });
    expect(r.notBefore).toEqual(now);
    expect(r).toMatchObject({ status: 'pending', attempts: 0, kind: 'reminder', platform: 'feishu' });
  });

  it('moves a reminder due in quiet hours to 08:00 local; a reply is never delayed', async () => {
    const now = at('2026-12-01T23:10');
    await enqueue(h.db, { recipient: user('ou_1'), reply: { kind: 'text', text: '提醒' }, dedupeKey: 'q:reminder' }, { now, tz: TZ });
    await enqueue(h.db, { recipient: user('ou_1'), reply: { kind: 'text', text: '回复' }, dedupeKey: 'q:reply', kind: 'reply' }, { now, tz: TZ });
    await enqueue(h.db, { recipient: user('ou_1'), reply: { kind: 'text', text: '小结' }, dedupeKey: 'q:summary', kind: 'summary', notBefore: at('2026-12-02T06:00') }, { now, tz: TZ });
    await enqueue(h.db, { recipient: user('ou_1'), reply: { kind: 'text', text: '早' }, dedupeKey: 'q:early', notBefore: at('2026-12-01T07:59') }, { now: at('2026-12-01T07:00'), tz: TZ });
    expect((await row('q:reminder')).notBefore).toEqual(at('2026-12-02T08:00'));
    expect((await row('q:reply')).notBefore).toEqual(now);
    expect((await row('q:summary')).notBefore).toEqual(at('2026-12-02T08:00'));
    expect((await row('q:early')).notBefore).toEqual(at('2026-12-01T08:00'));
  });

  it('leaves a future time outside quiet hours alone and never schedules in the past', async () => {
    const now = at('2026-12-01T10:00');
    await enqueue(h.db, { recipient: user('ou_2'), reply: { kind: 'text', text: 'x' }, dedupeKey: 'f:later', notBefore: at('2026-12-01T21:59') }, { now, tz: TZ });
    await enqueue(h.db, { recipient: user('ou_2'), reply: { kind: 'text', text: 'x' }, dedupeKey: 'f:past', notBefore: at('2026-11-30T10:00') }, { now, tz: TZ });
    expect((await row('f:later')).notBefore).toEqual(at('2026-12-01T21:59'));
    expect((await row('f:past')).notBefore).toEqual(now);
  });

  it("uses the tenant's own quiet hours, or the ones passed in, or none when null", async () => {
    const tenantId = await addTenant(h.db, { quietHours: { start: '20:00', end: '07:30' } });
    const now = at('2026-12-01T20:30');
    await enqueue(h.db, { tenantId, recipient: user('ou_3'), reply: { kind: 'text', text: 'x' }, dedupeKey: 't:settings' }, { now, tz: TZ });
    await enqueue(h.db, { tenantId, recipient: user('ou_3'), reply: { kind: 'text', text: 'x' }, dedupeKey: 't:given' }, { now, tz: TZ, quietHours: { start: '22:00', end: '08:00' } });
    await enqueue(h.db, { tenantId, recipient: user('ou_3'), reply: { kind: 'text', text: 'x' }, dedupeKey: 't:off', kind: 'alert' }, { now: at('2026-12-01T23:00'), tz: TZ, quietHours: null });
    expect((await row('t:settings')).notBefore).toEqual(at('2026-12-02T07:30'));
    expect((await row('t:given')).notBefore).toEqual(now);
    expect((await row('t:off')).notBefore).toEqual(at('2026-12-01T23:00'));
  });

  it('stats count rows by status and list the latest errors', async () => {
    await h.db.update(outbox).set({ status: 'failed', attempts: 8, lastError: 'HTTP 400: bot not in chat' }).where(eq(outbox.dedupeKey, 'f:past'));
    await h.db.update(outbox).set({ status: 'sent', sentAt: at('2026-12-01T10:00') }).where(eq(outbox.dedupeKey, 'f:later'));
    const s = await outboxStats(h.db, { now: at('2026-12-01T12:00') });
    expect(s.failed).toBe(1);
    expect(s.sent).toBe(1);
    expect(s.pending).toBe(8);
    expect(s.due).toBe(2);
    expect(s.oldestDue).toEqual(at('2026-12-01T08:00'));
    expect(s.lastErrors).toEqual([expect.objectContaining({ dedupeKey: 'f:past', error: 'HTTP 400: bot not in chat', attempts: 8 })]);
  });
});
