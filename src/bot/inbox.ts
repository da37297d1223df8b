import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf } from '../../db/rows.ts';
import { isTransientDbError } from '../../db/errors.ts';
import { inbox } from '../../db/schema/index.ts';
import { errorText, type Logger } from '../log.ts';
import { enqueue } from '../notify/outbox.ts';
import type { ChatMessage, Reply } from './types.ts';

/** Decides the reply to one message, inside the caller's transaction. */
export type MessageHandler = (msg: ChatMessage, tx: Db) => Promise<Reply | null>;

export function inboxKey(msg: Pick<ChatMessage, 'platform' | 'tenantKey' | 'messageId'>): string {
  return `${msg.platform}:${msg.tenantKey}:${msg.messageId}`;
}

/**
 * Durably records a verified message. A redelivery or replay of the same message id is a duplicate.
 * This is every webhook's one write before it answers, so it is a plain statement: drizzle's insert
 * builder cost more CPU than the rest of the acknowledgement (bench/results.md).
 */
export async function acceptMessage(db: Db, msg: ChatMessage): Promise<'accepted' | 'duplicate'> {
  const inserted = rowsOf(await db.execute(sql`insert into ${inbox} (dedupe_key, platform, message)
    values (${storable(inboxKey(msg))}, ${msg.platform}, ${storableJson(msg)}::jsonb)
    on conflict do nothing returning 1`));
  return inserted.length ? 'accepted' : 'duplicate';
}

/** JSON.stringify writes NUL and unpaired surrogates as escapes; only then is the deep copy needed. */
const UNSTORABLE_ESCAPE = /\\u0000|\\ud[89a-f]/i;

/** The message as JSON that Postgres accepts (dates as ISO strings, as `fromJson` reads them). */
function storableJson(msg: ChatMessage): string {
  const json = JSON.stringify(msg);
  return UNSTORABLE_ESCAPE.test(json) ? JSON.stringify(storable(msg)) : json;
}

/**
 * Marks a message handled at once (a card tap, answered synchronously) inside the caller's transaction;
 * 'duplicate' when the same message id was seen before, so a replayed tap runs nothing twice.
 */
export async function recordHandled(tx: Db, msg: ChatMessage, now: Date): Promise<'accepted' | 'duplicate'> {
  const inserted = await tx.insert(inbox)
    .values({ dedupeKey: inboxKey(storable(msg)), platform: msg.platform, message: null, status: 'done', processedAt: now })
    .onConflictDoNothing()
    .returning({ id: inbox.id });
  return inserted.length ? 'accepted' : 'duplicate';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The message with every string made storable: Postgres text and jsonb refuse NUL and unpaired
 * surrogates, and a refused insert would fail the webhook forever. NUL is dropped, a lone surrogate
 * becomes U+FFFD.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\u0000/g, '').replace(LONE_SURROGATE, '\uFFFD') as T;
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(storable) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
}

const INTERNAL_ERROR_REPLY: Reply = { kind: 'text', text: '抱歉，处理这条消息时出现内部错误，管理员会查看日志。请稍后再试。' };

/**
 * Processes received inbox rows one transaction each: the command's writes, its reply in the
 * outbox and the row's `done` mark commit together, so a crash at any point loses nothing and
 * never answers twice. Several instances may run this at once (rows are claimed with SKIP LOCKED).
 */
export async function processInbox(opts: {
  db: Db;
  handle: MessageHandler;
  log: Logger;
  now: () => Date;
  tz: string;
  limit?: number;
  /** Awaited before each message is claimed. */
  beforeEach?: () => Promise<void>;
  /** Once aborted, no further message is claimed (the one in flight finishes). */
  signal?: AbortSignal;
}): Promise<number> {
  const { db, log } = opts;
  let processed = 0;
  for (let i = 0; i < (opts.limit ?? 100) && !opts.signal?.aborted; i++) {
    await opts.beforeEach?.();
    if (opts.signal?.aborted) break;
    let claimedId: number | undefined;
    let current: number | undefined;
    try {
      claimedId = await db.transaction(async (tx) => {
        const [row] = await tx.select().from(inbox)
          .where(eq(inbox.status, 'received')).orderBy(asc(inbox.id)).limit(1)
          .for('update', { skipLocked: true });
        if (!row) return undefined;
        current = row.id;
        const msg = fromJson(row.message);
        const reply = await opts.handle(msg, tx);
        if (reply) await enqueueReply(tx, msg, reply, opts.now(), opts.tz);
        await tx.update(inbox).set({ status: 'done', message: null, processedAt: opts.now() }).where(eq(inbox.id, row.id));
        return row.id;
      });
    } catch (err) {
      // A lost connection is not the message's fault: the row stays received and is retried.
      if (current === undefined || isTransient(err)) throw err;
      await markFailed(opts, current, err);
      claimedId = current;
    }
    if (claimedId === undefined) break;
    processed++;
  }
  return processed;
}

/** After an unexpected error the row is marked failed and its sender told, in one transaction. */
async function markFailed(opts: { db: Db; log: Logger; now: () => Date; tz: string }, id: number, err: unknown): Promise<void> {
  await opts.db.transaction(async (tx) => {
    const [row] = await tx.select().from(inbox)
      .where(and(eq(inbox.id, id), eq(inbox.status, 'received'))).for('update', { skipLocked: true });
    if (!row) return;
    const msg = fromJson(row.message);
    const error = errorText(err);
    opts.log.error('message processing failed', { inboxId: row.id, platform: msg.platform, error });
    await enqueueReply(tx, msg, INTERNAL_ERROR_REPLY, opts.now(), opts.tz);
    await tx.update(inbox)
      .set({ status: 'failed', error: error.slice(0, 500), message: null, processedAt: opts.now() })
      .where(eq(inbox.id, row.id));
  });
}

/** Connection-level failures (server gone, admin shutdown, network): retry later rather than fail the message. */
export const isTransient = isTransientDbError;

export async function enqueueReply(tx: Db, msg: ChatMessage, reply: Reply, now: Date, tz: string): Promise<void> {
  await enqueue(tx, {
    recipient: {
      platform: msg.platform,
      kind: msg.chat.kind === 'group' ? 'chat' : 'user',
      id: msg.chat.kind === 'group' ? msg.chat.id : msg.sender.userId,
      tenantKey: msg.tenantKey,
    },
    reply,
    dedupeKey: `reply:${inboxKey(msg)}`,
    kind: 'reply',
    inReplyTo: { messageId: msg.messageId, chatKind: msg.chat.kind, hint: msg.replyHint },
  }, { now, tz });
}

function fromJson(raw: Record<string, unknown> | null): ChatMessage {
  if (!raw) throw new Error('inbox row has no message');
  return { ...(raw as unknown as ChatMessage), receivedAt: new Date(String(raw.receivedAt)) };
}
