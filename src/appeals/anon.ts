/**
 * What anonymous appeals need beyond src/anon/ (which is the talks engineer's; nothing there is
 * changed): finding a member's appeal handle without allocating one, recognising the hidden
 * submitter, and dedupe keys for deliveries that outlive the command (jobs have no inbound message).
 * The rules of src/anon/index.ts hold here too: the member id found is never shown, logged or stored.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { anonHandles } from '../../db/schema/index.ts';
import { anonKey, memberBehind, type AnonScope } from '../anon/index.ts';
import { keyedHash } from '../anon/seal.ts';
import type { Recipient } from '../bot/types.ts';

export const APPEAL_PURPOSE = 'appeal';

export function appealScope(db: Db, tenantId: number): AnonScope {
  return { db, tenantId, serverKey: anonKey(), purpose: APPEAL_PURPOSE };
}

/** The member's appeal handle if they ever wrote anonymously; never allocates one. */
export async function existingHandle(db: Db, tenantId: number, memberId: number): Promise<number | undefined> {
  const s = appealScope(db, tenantId);
  // The same keyed lookup src/anon/handles.ts computes for handleFor.
  const lookup = keyedHash(s.serverKey, 'anon-lookup/v1', `${tenantId}|${s.purpose}|${memberId}`);
  const [row] = await db.select({ handle: anonHandles.handle }).from(anonHandles)
    .where(and(eq(anonHandles.tenantId, tenantId), eq(anonHandles.purpose, s.purpose), eq(anonHandles.lookup, lookup)))
    .limit(1);
  return row?.handle;
}

/** The hidden submitter behind an anonymous appeal, for routing only. */
export async function hiddenSubmitter(db: Db, tenantId: number, handle: number): Promise<number | null> {
  return memberBehind(appealScope(db, tenantId), handle);
}

/** A dedupe key for a message to an anonymous submitter: stable per event, meaningless without the server key. */
export function anonDeliveryKey(appealId: number, event: string, recipient: Recipient): string {
  const seed = `appeal|${appealId}|${event}|${recipient.platform}|${recipient.kind}|${recipient.id}`;
  return `anon:${keyedHash(anonKey(), 'anon-dedupe/v1', seed).slice(0, 40)}`;
}
