/** Messages about an appeal: to its submitter (through the sealed handle when anonymous) and to officers. */
import { recipientsOf } from '../bot/recipients.ts';
import type { Reply } from '../bot/types.ts';
import { anonDeliveryKey, hiddenSubmitter } from './anon.ts';
import type { AppealEnv } from './env.ts';
import type { Appeal } from './format.ts';

/**
 * Tells the submitter on every bound account; returns how many accounts were reached. `event` makes
 * the dedupe key (e.g. `e42` for timeline event 42), so a retried job or message sends once.
 */
export async function notifySubmitter(env: AppealEnv, a: Appeal, event: string, reply: Reply): Promise<number> {
  const memberId = a.anonHandle !== null ? await hiddenSubmitter(env.db, env.tenantId, a.anonHandle) : a.submitterId;
  if (memberId === null) return 0;
  const recipients = await recipientsOf(env.db, env.tenantId, memberId);
  for (const r of recipients) {
    const key = a.anonHandle !== null ? anonDeliveryKey(a.id, event, r) : `appeal:${a.id}:${event}:submitter:${r.platform}:${r.id}`;
    await env.send(r, reply, key);
  }
  return recipients.length;
}

/** Tells one officer (handler, secretary) on every bound account. */
export async function notifyMember(env: AppealEnv, memberId: number, a: Appeal, event: string, reply: Reply): Promise<number> {
  const recipients = await recipientsOf(env.db, env.tenantId, memberId);
  for (const r of recipients) await env.send(r, reply, `appeal:${a.id}:${event}:m${memberId}:${r.platform}:${r.id}`);
  return recipients.length;
}
