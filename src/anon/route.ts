/**
 * Routing anonymous messages inside a command. Two things would otherwise link a writer to their
 * handle: the audit row (whose actor is normally the asker) and the outbox dedupe keys (normally
 * built from the inbound message id, which also keys the reply to the writer). Both are handled
 * here: audit rows name the actor `anonymous`, and dedupe keys are keyed hashes.
 */
import { auditLog } from '../../db/schema/index.ts';
import type { AuditEntry, CommandContext } from '../bot/context.ts';
import type { Recipient, Reply } from '../bot/types.ts';
import { keyedHash } from './seal.ts';

/** A dedupe key for one delivery caused by the message being handled; reveals nothing about it. */
export function anonDedupeKey(serverKey: string, ctx: Pick<CommandContext, 'message'>, recipient: Recipient, n = 0): string {
  const m = ctx.message;
  const seed = `${m.platform}|${m.tenantKey}|${m.messageId}|${recipient.platform}|${recipient.kind}|${recipient.id}|${n}`;
  return `anon:${keyedHash(serverKey, 'anon-dedupe/v1', seed).slice(0, 40)}`;
}

/**
 * Sends a private message to a member on every bound account, with anonymous dedupe keys. Used both
 * for the hidden writer (a reply) and for the people who receive anonymous messages.
 */
export async function deliverAnonymously(
  ctx: CommandContext, serverKey: string, memberId: number, reply: Reply,
): Promise<number> {
  const recipients = await ctx.recipientsOf(memberId);
  for (const recipient of recipients) {
    await ctx.enqueue({ recipient, reply, kind: 'reminder', dedupeKey: anonDedupeKey(serverKey, ctx, recipient) });
  }
  return recipients.length;
}

/** An audit row for something an anonymous writer did: the actor is `anonymous`, never the asker. */
export async function auditAnonymously(ctx: CommandContext, entry: AuditEntry): Promise<void> {
  await ctx.db.insert(auditLog).values({
    tenantId: ctx.tenant.id,
    actor: 'anonymous',
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId === undefined ? null : String(entry.entityId),
    before: entry.before ?? null,
    after: entry.after ?? null,
    at: ctx.now,
  });
}
