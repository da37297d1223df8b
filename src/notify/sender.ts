/**
 * Drains the outbox. Rows are claimed with `FOR UPDATE SKIP LOCKED` and marked `sending` with a
 * claim deadline, so any number of instances can drain one database without sending a row twice.
 * A claim that lapses (the process died mid-send) returns the row to `pending`: delivery is then
 * at-least-once for that row, which Feishu's `uuid` (= dedupe key) absorbs within an hour.
 */
import { and, asc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { outbox } from '../../db/schema/index.ts';
import type { Logger } from '../log.ts';
import type { Outbound, Pace, PlatformSender, SendResult } from '../platforms/types.ts';
import { DEFAULT_SETTINGS, isQuietTime, endOfQuiet, type QuietHours } from '../domain/settings.ts';
import { alertAdmins, safeError } from './alert.ts';
import { forgetting } from './forget.ts';
import { deliveryTime, quietHoursOf } from './outbox.ts';
import { createRateLimiter, type RateLimiter, type RateLimits, type Slot } from './rate-limit.ts';

export interface SenderOptions {
  db: Db;
  senders: PlatformSender[];
  log: Logger;
  /** Business clock: due times, backoff, quiet hours. Rate limits use `rateLimiter`'s own clock. */
  now?: () => Date;
  tz?: string;
  limits?: Partial<RateLimits>;
  rateLimiter?: RateLimiter;
  maxAttempts?: number;
  batchSize?: number;
  /** BOT_ADMINS entries, `platform:userId`. */
  admins: string[];
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  pollMs?: number;
  claimTtlMs?: number;
  /** Values that must never reach an alert text (app secrets, tokens). */
  secrets?: string[];
}

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
  /** Claimed during quiet hours and put back until they end. */
  deferred: number;
}

export interface Sender {
  drainOnce(): Promise<DrainResult>;
  start(): void;
  stop(): Promise<void>;
  kick(): void;
}

export class SenderSetupError extends Error {
  override name = 'SenderSetupError';
}

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 10 * 60_000;
/**
 * Transient failures are retried this often before a row is parked. With the backoff below the
 * retries span at least an hour (at most about two), so a platform outage of that length loses nothing.
 */
export const DEFAULT_MAX_ATTEMPTS = 21;

/**
 * Exponential backoff with equal jitter: uniform in [c/2, c), c = min(cap, base·2^(attempt−1)). The
 * floor keeps the total retry time predictable (full jitter could spend all attempts in seconds).
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const half = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1)) / 2;
  return Math.floor(half + random() * half);
}

type Row = typeof outbox.$inferSelect;
type Outcome = 'sent' | 'retried' | 'failed';
type QuietMap = Map<number, QuietHours>;

const quietFor = (row: Row, quiet: QuietMap): QuietHours =>
  (row.tenantId != null ? quiet.get(row.tenantId) : undefined) ?? DEFAULT_SETTINGS.quietHours;

export function createSender(opts: SenderOptions): Sender {
  const { db, log } = opts;
  const now = opts.now ?? (() => new Date());
  const tz = opts.tz ?? 'Asia/Shanghai';
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const batchSize = opts.batchSize ?? 20;
  const pollMs = opts.pollMs ?? 1_000;
  const claimTtlMs = opts.claimTtlMs ?? 5 * 60_000;
  const limiter = opts.rateLimiter ?? createRateLimiter(opts.limits);
  const byPlatform = new Map<string, PlatformSender>();
  for (const s of opts.senders) {
    if (byPlatform.has(s.platform)) throw new SenderSetupError(`two senders for platform ${s.platform}`);
    byPlatform.set(s.platform, s);
  }
  const platforms = [...byPlatform.keys()];
  const warnedPlatforms = new Set<string>();
  let lastOrphanCheck = -Infinity;

  async function releaseLapsed(t: Date) {
    await db.update(outbox)
      .set({ status: 'pending', claimedUntil: null, attempts: sql`${outbox.attempts} + 1`, lastError: 'claim lapsed: the sender stopped mid-send' })
      .where(and(eq(outbox.status, 'sending'), lt(outbox.claimedUntil, t)));
  }

  async function warnOrphans(t: Date) {
    if (t.getTime() - lastOrphanCheck < 60_000) return;
    lastOrphanCheck = t.getTime();
    const rows = await db.selectDistinct({ platform: outbox.platform }).from(outbox)
      .where(and(eq(outbox.status, 'pending'), lte(outbox.notBefore, t)));
    for (const { platform } of rows) {
      if (byPlatform.has(platform) || warnedPlatforms.has(platform)) continue;
      warnedPlatforms.add(platform);
      log.warn('outbox rows wait for a platform that has no sender configured', { platform });
    }
  }

  async function claim(t: Date): Promise<Row[]> {
    if (platforms.length === 0) return [];
    // Select-then-update in one short transaction. A single `UPDATE … WHERE id IN (SELECT … LIMIT n
    // FOR UPDATE SKIP LOCKED)` is not safe: the planner may re-run the subquery and claim far more than n.
    const rows = await db.transaction(async (tx) => {
      const due = await tx.select({ id: outbox.id }).from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.notBefore, t), inArray(outbox.platform, platforms)))
        .orderBy(asc(outbox.notBefore), asc(outbox.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      return tx.update(outbox)
        .set({ status: 'sending', claimedUntil: new Date(t.getTime() + claimTtlMs) })
        .where(inArray(outbox.id, due.map((d) => d.id)))
        .returning();
    });
    return rows.sort((a, b) => a.notBefore.getTime() - b.notBefore.getTime() || a.id - b.id);
  }

  async function record(row: Row, result: SendResult, quiet: QuietMap): Promise<Outcome> {
    const t = now();
    const attempts = row.attempts + 1;
    const mine = and(eq(outbox.id, row.id), eq(outbox.status, 'sending'));
    if (result.ok) {
      // Also from `pending`: a lapsed claim must not lead to a second send of a delivered row.
      await db.update(outbox).set({ status: 'sent', sentAt: t, attempts, claimedUntil: null, ...forgetting(row) })
        .where(and(eq(outbox.id, row.id), inArray(outbox.status, ['sending', 'pending'])));
      return 'sent';
    }
    const error = safeError(result.error, opts.secrets);
    if (!result.retryable || attempts >= maxAttempts) {
      await db.update(outbox).set({ status: 'failed', attempts, lastError: error, claimedUntil: null, ...forgetting(row, error) }).where(mine);
      return 'failed';
    }
    const wait = Math.max(result.retryAfterMs ?? 0, backoffMs(attempts, random));
    const notBefore = deliveryTime(row.kind, new Date(t.getTime() + wait), tz, quietFor(row, quiet));
    await db.update(outbox).set({ status: 'pending', attempts, lastError: error, notBefore, claimedUntil: null }).where(mine);
    return 'retried';
  }

  /**
   * The rows' slots were taken when the batch was assembled; each is settled when the request carrying
   * it completes (through `pace`), or at the end of the whole send for rows the platform did not pace.
   */
  async function deliver(ps: PlatformSender, rows: Row[], slots: Slot[]): Promise<SendResult[]> {
    const items: Outbound[] = rows.map((r) => ({
      id: r.id, recipient: r.recipient, reply: r.reply, dedupeKey: r.dedupeKey, inReplyTo: r.inReplyTo ?? undefined,
    }));
    const slotOf = new Map(items.map((item, i) => [item, slots[i]!]));
    const paced = new Set<Outbound>();
    const pace: Pace = async (carried, request) => {
      try {
        return await request();
      } finally {
        for (const item of carried) {
          slotOf.get(item)?.settle();
          paced.add(item);
        }
      }
    };
    try {
      const results = await ps.send(items, pace);
      return rows.map((_, i) => results[i] ?? { ok: false, retryable: true, error: 'platform sender returned no result' });
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return rows.map(() => ({ ok: false, retryable: true, error }));
    } finally {
      for (const item of items) if (!paced.has(item)) slotOf.get(item)!.settle();
    }
  }

  /** Sends a platform's rows in claim order, each batch holding only rows whose slots are there now. */
  async function sendPlatform(ps: PlatformSender, rows: Row[], quiet: QuietMap, out: DrainResult, failures: Row[]) {
    let batch: Row[] = [];
    let slots: Slot[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const b = batch;
      const s = slots;
      batch = [];
      slots = [];
      const results = await deliver(ps, b, s);
      for (let i = 0; i < b.length; i++) {
        const outcome = await record(b[i]!, results[i]!, quiet);
        out[outcome]++;
        if (outcome === 'failed') {
          const error = (results[i] as { error?: string }).error ?? '';
          failures.push({ ...b[i]!, lastError: forgetting(b[i]!, error).lastError ?? error });
        }
      }
    };
    for (const row of rows) {
      const key = `${row.recipient.kind}:${row.recipient.id}`;
      let slot = limiter.tryAcquire(ps.platform, key);
      if (typeof slot === 'number') {
        await flush();
        slot = await limiter.acquire(ps.platform, key, sleep);
      }
      batch.push(row);
      slots.push(slot);
    }
    await flush();
  }

  async function drainOnce(): Promise<DrainResult> {
    const out: DrainResult = { sent: 0, retried: 0, failed: 0, deferred: 0 };
    const t = now();
    await releaseLapsed(t);
    await warnOrphans(t);
    const rows = await claim(t);
    if (rows.length === 0) return out;
    const quiet = await quietHoursOf(db, rows.flatMap((r) => (r.tenantId != null ? [r.tenantId] : [])));
    const groups = new Map<string, Row[]>();
    for (const row of rows) {
      const q = quietFor(row, quiet);
      if (row.kind !== 'reply' && isQuietTime(t, tz, q)) {
        // Due before quiet hours began but not sent by then (downtime, backlog): wait for the morning.
        await db.update(outbox).set({ status: 'pending', notBefore: endOfQuiet(t, tz, q), claimedUntil: null })
          .where(and(eq(outbox.id, row.id), eq(outbox.status, 'sending')));
        out.deferred++;
        continue;
      }
      groups.set(row.platform, [...(groups.get(row.platform) ?? []), row]);
    }
    const failures: Row[] = [];
    await Promise.all([...groups].map(([platform, list]) => sendPlatform(byPlatform.get(platform)!, list, quiet, out, failures)));
    if (failures.length > 0) {
      log.warn('outbox messages failed for good', { count: failures.length, ids: failures.map((f) => f.id) });
      await alertAdmins({ db, admins: opts.admins, now: now(), tz, secrets: opts.secrets }, failures);
    }
    if (out.sent + out.retried + out.failed > 0) log.debug('outbox drained', { ...out });
    return out;
  }

  let running = false;
  let kicked = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;

  const idle = () => new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wake = undefined;
      resolve();
    };
    const timer = setTimeout(done, pollMs);
    wake = done;
  });

  async function run() {
    while (running) {
      kicked = false;
      let full = false;
      try {
        const r = await drainOnce();
        full = r.sent + r.retried + r.failed + r.deferred >= batchSize;
      } catch (err) {
        log.error('outbox drain failed', { error: err });
      }
      if (running && !full && !kicked) await idle();
    }
  }

  return {
    drainOnce,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
    },
    kick() {
      kicked = true;
      wake?.();
    },
  };
}
