/**
 * The outbox: every outbound message is a row with a unique dedupe key, drained by src/notify/sender.ts.
 * Enqueueing works inside the caller's transaction, so a message exists exactly when the change
 * that caused it was committed.
 */
import { and, desc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf } from '../../db/rows.ts';
import { outbox, tenants } from '../../db/schema/index.ts';
import type { Recipient, Reply } from '../bot/types.ts';
import { DEFAULT_SETTINGS, endOfQuiet, parseSettings, type QuietHours } from '../domain/settings.ts';

export type OutboxKind = 'reply' | 'reminder' | 'summary' | 'alert';

export interface OutboxItem {
  tenantId?: number;
  recipient: Recipient;
  reply: Reply;
  /** Unique per logical message, e.g. `dues-unpaid:<member>:2026-11`; a second enqueue changes nothing. */
  dedupeKey: string;
  /** Default 'reminder'. */
  kind?: OutboxKind;
  /** Earliest delivery; default `now`. */
  notBefore?: Date;
  inReplyTo?: { messageId: string; chatKind: 'private' | 'group'; hint?: Record<string, unknown> };
}

export interface EnqueueOptions {
  now: Date;
  tz: string;
  /**
   * The tenant's quiet hours. When omitted they are read from the tenant's settings (or the
   * default 22:00–08:00 without a tenant); `null` turns them off for this message.
   */
  quietHours?: QuietHours | null;
}

/**
 * When a message of this kind may go out at the earliest: replies answer someone who just wrote
 * and are never held; everything else waiting for quiet hours to end.
 */
export function deliveryTime(kind: string, at: Date, tz: string, quiet: QuietHours | null): Date {
  if (kind === 'reply' || !quiet) return at;
  return endOfQuiet(at, tz, quiet);
}

/** Quiet hours per tenant id, from stored settings with defaults. */
export async function quietHoursOf(db: Db, tenantIds: number[]): Promise<Map<number, QuietHours>> {
  const out = new Map<number, QuietHours>();
  const ids = [...new Set(tenantIds)];
  if (ids.length === 0) return out;
  const rows = await db.select({ id: tenants.id, settings: tenants.settings }).from(tenants).where(inArray(tenants.id, ids));
  for (const r of rows) out.set(r.id, parseSettings(r.settings).quietHours);
  return out;
}

/** Queues one message; true if it was inserted, false if the dedupe key already existed. */
export async function enqueue(db: Db, item: OutboxItem, opts: EnqueueOptions): Promise<boolean> {
  const kind = item.kind ?? 'reminder';
  let quiet: QuietHours | null = DEFAULT_SETTINGS.quietHours;
  if (opts.quietHours !== undefined) quiet = opts.quietHours;
  else if (kind !== 'reply' && item.tenantId !== undefined) {
    quiet = (await quietHoursOf(db, [item.tenantId])).get(item.tenantId) ?? quiet;
  }
  const requested = item.notBefore && item.notBefore > opts.now ? item.notBefore : opts.now;
  const rows = await db
    .insert(outbox)
    .values({
      tenantId: item.tenantId ?? null,
      platform: item.recipient.platform,
      recipient: item.recipient,
      reply: item.reply,
      inReplyTo: item.inReplyTo ?? null,
      dedupeKey: item.dedupeKey,
      kind,
      notBefore: deliveryTime(kind, requested, opts.tz, quiet),
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id });
  return rows.length > 0;
}

export interface OutboxStats {
  pending: number;
  /** Pending and already due (not waiting for a retry time or the end of quiet hours). */
  due: number;
  sending: number;
  sent: number;
  failed: number;
  oldestDue?: Date;
  lastErrors: Array<{
    id: number;
    platform: string;
    dedupeKey: string;
    status: string;
    attempts: number;
    error: string;
    notBefore: Date;
  }>;
}

export async function outboxStats(db: Db, opts: { now?: Date; errors?: number } = {}): Promise<OutboxStats> {
  const now = opts.now ?? new Date();
  const counts = await db
    .select({ status: outbox.status, n: sql<number>`count(*)::int` })
    .from(outbox)
    .groupBy(outbox.status);
  const by = (s: string) => counts.find((c) => c.status === s)?.n ?? 0;
  const [due] = await db
    .select({ n: sql<number>`count(*)::int`, oldest: sql<string | null>`min(${outbox.notBefore})` })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.notBefore, now)));
  const errors = await db
    .select({
      id: outbox.id, platform: outbox.platform, dedupeKey: outbox.dedupeKey, status: outbox.status,
      attempts: outbox.attempts, error: outbox.lastError, notBefore: outbox.notBefore,
    })
    .from(outbox)
    .where(isNotNull(outbox.lastError))
    .orderBy(desc(outbox.id))
    .limit(opts.errors ?? 10);
  return {
    pending: by('pending'),
    due: due?.n ?? 0,
    sending: by('sending'),
    sent: by('sent'),
    failed: by('failed'),
    oldestDue: due?.oldest ? new Date(due.oldest) : undefined,
    lastErrors: errors.map((e) => ({ ...e, error: e.error ?? '' })),
  };
}

/**
 * Queues many messages in a few statements (`on conflict do nothing` on the dedupe key), for jobs
 * that notify thousands at once: each chunk travels as one JSON parameter, which is several times
 * faster than a multi-row VALUES list. Quiet hours are read per tenant unless given. Returns how
 * many rows were new.
 */
export async function enqueueMany(
  db: Db, items: readonly OutboxItem[], opts: EnqueueOptions & { chunkSize?: number; concurrency?: number },
): Promise<number> {
  if (items.length === 0) return 0;
  const quietByTenant = opts.quietHours === undefined
    ? await quietHoursOf(db, items.flatMap((i) => (i.tenantId === undefined ? [] : [i.tenantId])))
    : undefined;
  // Items of one batch mostly share kind, tenant and time; the zone arithmetic is worth caching.
  const when = new Map<string, string>();
  const rows = items.map((item) => {
    const kind = item.kind ?? 'reminder';
    const requested = item.notBefore && item.notBefore > opts.now ? item.notBefore : opts.now;
    const key = `${kind}|${item.tenantId ?? ''}|${requested.getTime()}`;
    let notBefore = when.get(key);
    if (notBefore === undefined) {
      const quiet = opts.quietHours !== undefined ? opts.quietHours
        : (item.tenantId !== undefined ? quietByTenant?.get(item.tenantId) : undefined) ?? DEFAULT_SETTINGS.quietHours;
      notBefore = deliveryTime(kind, requested, opts.tz, quiet).toISOString();
      when.set(key, notBefore);
    }
    return {
      tenant_id: item.tenantId ?? null,
      platform: item.recipient.platform,
      recipient: item.recipient,
      reply: item.reply,
      in_reply_to: item.inReplyTo ?? null,
      dedupe_key: item.dedupeKey,
      kind,
      not_before: notBefore,
    };
  });
  const size = opts.chunkSize ?? 5000;
  const chunks: (typeof rows)[] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  const insertChunk = async (chunk: typeof rows): Promise<number> => {
    const result: unknown = await db.execute(sql`with ins as (
      insert into ${outbox} (tenant_id, platform, recipient, reply, in_reply_to, dedupe_key, kind, not_before)
      select tenant_id, platform, recipient, reply, in_reply_to, dedupe_key, kind, not_before
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(tenant_id integer, platform text,
        recipient jsonb, reply jsonb, in_reply_to jsonb, dedupe_key text, kind text, not_before timestamptz)
      on conflict (dedupe_key) do nothing
      returning 1
    ) select count(*)::int as n from ins`);
    return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
  };
  // With a connection pool, a few chunks in flight keep both the database and this process busy.
  let inserted = 0;
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const n = await insertChunk(chunks[next++]!);
      inserted += n;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 1, chunks.length)) }, worker));
  return inserted;
}
