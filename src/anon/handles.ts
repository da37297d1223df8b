/**
 * Handles like 匿名#7: one per person, purpose and tenant, numbered per tenant. A returning writer
 * gets the same handle (found through a keyed hash, never a clear id), so a secretary can follow a
 * conversation without ever learning who it is.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { anonCounters, anonHandles } from '../../db/schema/index.ts';
import { keyedHash, openIdentity, sealIdentity, AnonSealError } from './seal.ts';

export interface AnonScope {
  db: Db;
  tenantId: number;
  serverKey: string;
  /** `talk` (匿名谈心), `appeal` (匿名诉求) … handles of one purpose are invisible to another. */
  purpose: string;
}

const PREFIX = '匿名#';

/** 7 → `匿名#7` */
export function formatHandle(n: number): string {
  return `${PREFIX}${n}`;
}

/** `匿名#7`, `#7`, `7` → 7; anything else → null. */
export function parseHandle(text: string): number | null {
  const m = /^(?:匿名)?#?(\d{1,9})$/.exec(text.trim());
  return m ? Number(m[1]) : null;
}

const context = (tenantId: number, purpose: string, handle: number) => `tenant:${tenantId}|purpose:${purpose}|handle:${handle}`;

function lookupOf(s: AnonScope, memberId: number): string {
  return keyedHash(s.serverKey, 'anon-lookup/v1', `${s.tenantId}|${s.purpose}|${memberId}`);
}

async function existing(s: AnonScope, lookup: string): Promise<number | undefined> {
  const [row] = await s.db.select({ handle: anonHandles.handle }).from(anonHandles)
    .where(and(eq(anonHandles.tenantId, s.tenantId), eq(anonHandles.purpose, s.purpose), eq(anonHandles.lookup, lookup)))
    .limit(1);
  return row?.handle;
}

/** The member's handle for this purpose if they ever wrote; never allocates one. */
export async function findHandle(s: AnonScope, memberId: number): Promise<number | undefined> {
  return existing(s, lookupOf(s, memberId));
}

/** The writer's handle for this purpose, allocated on first use. */
export async function handleFor(s: AnonScope, memberId: number): Promise<number> {
  const lookup = lookupOf(s, memberId);
  const found = await existing(s, lookup);
  if (found !== undefined) return found;
  const [counter] = await s.db.insert(anonCounters).values({ tenantId: s.tenantId, last: 1 })
    .onConflictDoUpdate({ target: anonCounters.tenantId, set: { last: sql`${anonCounters.last} + 1` } })
    .returning({ last: anonCounters.last });
  const handle = counter!.last;
  const inserted = await s.db.insert(anonHandles).values({
    tenantId: s.tenantId, handle, purpose: s.purpose, lookup,
    sealed: sealIdentity(s.serverKey, { memberId }, context(s.tenantId, s.purpose, handle)),
  }).onConflictDoNothing().returning({ handle: anonHandles.handle });
  if (inserted[0]) return inserted[0].handle;
  // The same writer's first message raced another of theirs: theirs won, use it.
  const again = await existing(s, lookup);
  if (again === undefined) throw new Error('anonymous handle allocation conflicted');
  return again;
}

/**
 * The member behind a handle of this purpose, or null when there is no such handle (or its sealed
 * identity does not open). Callers must check that the asker may write to this person before
 * routing anything, and must never show or log the result.
 */
export async function memberBehind(s: AnonScope, handle: number): Promise<number | null> {
  const [row] = await s.db.select({ sealed: anonHandles.sealed }).from(anonHandles)
    .where(and(eq(anonHandles.tenantId, s.tenantId), eq(anonHandles.purpose, s.purpose), eq(anonHandles.handle, handle)))
    .limit(1);
  if (!row) return null;
  try {
    return openIdentity(s.serverKey, row.sealed, context(s.tenantId, s.purpose, handle)).memberId;
  } catch (err) {
    if (err instanceof AnonSealError) return null;
    throw err;
  }
}
