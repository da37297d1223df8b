/**
 * A daily limit on anonymous messages per writer, counted without knowing who: the counter's key is
 * a keyed hash of (tenant, purpose, member, local day), so rows of different days cannot be linked
 * to each other or to a handle without the server key, and yesterday's rows are deleted.
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import { anonQuota } from '../../db/schema/index.ts';
import { localDate } from '../domain/calendar.ts';
import type { AnonScope } from './handles.ts';
import { keyedHash } from './seal.ts';

export interface QuotaResult {
  ok: boolean;
  /** Messages counted today, this one included when `ok`. */
  used: number;
  limit: number;
}

/**
 * Counts one message against today's limit. When over the limit nothing is counted (the caller's
 * refusal rolls back anyway) and `ok` is false.
 */
export async function takeAnonQuota(
  s: AnonScope, memberId: number, opts: { now: Date; tz: string; limit: number },
): Promise<QuotaResult> {
  const day = localDate(opts.now, opts.tz);
  await s.db.delete(anonQuota).where(and(eq(anonQuota.tenantId, s.tenantId), lt(anonQuota.day, day)));
  const bucket = keyedHash(s.serverKey, 'anon-quota/v1', `${s.tenantId}|${s.purpose}|${memberId}|${day}`);
  const [row] = await s.db.insert(anonQuota).values({ tenantId: s.tenantId, bucket, day, used: 1 })
    .onConflictDoUpdate({
      target: [anonQuota.tenantId, anonQuota.bucket],
      set: { used: sql`${anonQuota.used} + 1` },
      setWhere: sql`${anonQuota.used} < ${opts.limit}`,
    })
    .returning({ used: anonQuota.used });
  if (row) return { ok: true, used: row.used, limit: opts.limit };
  return { ok: false, used: opts.limit, limit: opts.limit };
}
