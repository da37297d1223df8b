/**
 * What an anonymous message leaves in the outbox once it is delivered or given up: its dedupe key,
 * status and timestamps, nothing that says who it went to or what it said. Without this, the row of
 * the writer's acknowledgement and the row of the card to the secretary, written in the same
 * transaction, would link the writer's account to their handle for as long as sent rows are kept.
 */
import type { outbox } from '../../db/schema/index.ts';
import type { Reply } from '../bot/types.ts';

type Row = typeof outbox.$inferSelect;

export const FORGOTTEN_REPLY: Reply = { kind: 'text', text: '（匿名消息，送达后不保留内容）' };
export const FORGOTTEN_RECIPIENT_ID = 'forgotten';

export function isForgettable(reply: Reply): boolean {
  return reply.kind !== 'file' && reply.forget === true;
}

/**
 * The columns to overwrite when `row` is settled for good; empty for an ordinary message. A
 * platform's error text may quote the account it failed to reach, so that goes from `lastError` too.
 */
export function forgetting(
  row: Pick<Row, 'reply' | 'recipient'>, lastError?: string,
): Partial<Pick<Row, 'reply' | 'recipient' | 'inReplyTo' | 'lastError'>> {
  if (!isForgettable(row.reply)) return {};
  const id = row.recipient.id;
  return {
    reply: FORGOTTEN_REPLY,
    recipient: { ...row.recipient, id: FORGOTTEN_RECIPIENT_ID },
    inReplyTo: null,
    ...(lastError !== undefined ? { lastError: id ? lastError.split(id).join(FORGOTTEN_RECIPIENT_ID) : lastError } : {}),
  };
}
