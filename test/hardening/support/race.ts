import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { outbox } from '../../../db/schema/index.ts';
import { acceptMessage, inboxKey } from '../../../src/bot/inbox.ts';
import type { ChatMessage } from '../../../src/bot/types.ts';
import { replyText } from './invariants.ts';
import type { Service } from './service.ts';

/**
 * Both messages accepted, then both instances process at once: each takes one (SKIP LOCKED).
 * Returns the text of the reply each message got.
 */
export async function raceOnTwo(db: Db, instances: [Service, Service], m1: ChatMessage, m2: ChatMessage): Promise<[string, string]> {
  await acceptMessage(db, m1);
  await acceptMessage(db, m2);
  await Promise.all(instances.map((s) => s.runtime.processPending()));
  const replyOf = async (m: ChatMessage) => {
    const [row] = await db.select().from(outbox).where(eq(outbox.dedupeKey, `reply:${inboxKey(m)}`));
    return replyText(row?.reply ?? null);
  };
  return [await replyOf(m1), await replyOf(m2)];
}
