/** Tracking numbers (SQ-2026-0001): allocated per tenant and year inside the submitting transaction. */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { appealCounters } from '../../db/schema/index.ts';
import { trackingNumber } from '../domain/appeals.ts';

/**
 * The next number for the tenant and year. The upsert takes the counter row's lock until the
 * transaction ends, so concurrent submissions queue on it and never share a number; a rolled-back
 * submission gives its number back.
 */
export async function nextTrackingNumber(db: Db, tenantId: number, year: number): Promise<{ seq: number; number: string }> {
  const [row] = await db.insert(appealCounters).values({ tenantId, year, last: 1 })
    .onConflictDoUpdate({ target: [appealCounters.tenantId, appealCounters.year], set: { last: sql`${appealCounters.last} + 1` } })
    .returning({ last: appealCounters.last });
  const seq = row!.last;
  return { seq, number: trackingNumber(year, seq) };
}

/** `SQ-2026-0001`, `sq-2026-1`, `2026-1`, or a bare `1` / `0001` for the current year. */
export function parseTrackingNumber(input: string, currentYear: number): { year: number; seq: number } | null {
  const s = input.trim();
  const full = /^(?:SQ[-_ ]?)?(\d{4})[-_](\d{1,9})$/i.exec(s);
  if (full) {
    const seq = Number(full[2]);
    return seq >= 1 ? { year: Number(full[1]), seq } : null;
  }
  const bare = /^(?:SQ[-_ ]?)?(\d{1,9})$/i.exec(s);
  if (bare) {
    const seq = Number(bare[1]);
    return seq >= 1 ? { year: currentYear, seq } : null;
  }
  return null;
}
