import type { ChatMessage, Platform, Recipient, Reply } from '../bot/types.ts';

/** One outbox row as a platform sender sees it. */
export interface Outbound {
  /** Outbox row id. */
  id: number;
  recipient: Recipient;
  reply: Reply;
  /** Unique per logical message; platforms that support it use it as an idempotency key (Feishu `uuid`). */
  dedupeKey: string;
  /** Set when this answers an inbound message: lets a platform quote it or use a session webhook. */
  inReplyTo?: { messageId: string; chatKind: 'private' | 'group'; hint?: Record<string, unknown> };
}

export type SendResult =
  | { ok: true }
  /** Try again later. `retryAfterMs` is the server's own reset time when it gave one. */
  | { ok: false; retryable: true; error: string; retryAfterMs?: number }
  /** Will never succeed (bad recipient, bot not in chat ...). */
  | { ok: false; retryable: false; error: string };

/**
 * Runs one platform request carrying `items` and tells the rate limiter when it completed, so the next
 * window is counted from then and not from when the batch was assembled. A sender that does not use
 * it is counted from the end of its whole `send`, which is safe but slower.
 */
export type Pace = <T>(items: readonly Outbound[], request: () => Promise<T>) => Promise<T>;

/** Sends outbox rows to one platform. May batch several rows into one API call; returns one result per row, in order. */
export interface PlatformSender {
  platform: Platform;
  send(items: Outbound[], pace?: Pace): Promise<SendResult[]>;
}

/** Core entry point a platform adapter hands verified inbound messages to. Durable before it resolves. */
export type Ingest = (msg: ChatMessage) => Promise<'accepted' | 'duplicate'>;
