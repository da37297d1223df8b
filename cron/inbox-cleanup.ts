import { and, eq, inArray, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { inbox, outbox } from '../db/schema/index.ts';
import type { Job } from './job.ts';

/**
 * Inbox rows are the webhook dedupe record. Feishu redelivers for about 7.1 h and DingTalk for 1 h;
 * 8 days is a generous window, past which a processed row is only clutter.
 */
export const INBOX_KEEP_MS = 8 * 86_400_000;
/** Sent outbox rows stay a month for `npm run outbox` and for questions about what was sent. */
export const SENT_KEEP_MS = 30 * 86_400_000;

export const inboxCleanup: Job = {
  name: 'inbox-cleanup',
  cron: '30 3 * * *',
  description: '每天 03:30 清理已处理超过8天的收到消息记录和已发送超过30天的消息',
  async run(now, { db }) {
    const inboxBefore = new Date(now.getTime() - INBOX_KEEP_MS);
    const sentBefore = new Date(now.getTime() - SENT_KEEP_MS);
    const inboxRows = await db.delete(inbox)
      .where(and(
        inArray(inbox.status, ['done', 'failed']),
        or(lt(inbox.processedAt, inboxBefore), and(isNull(inbox.processedAt), lt(inbox.receivedAt, inboxBefore))),
      ))
      .returning({ id: inbox.id });
    const outboxRows = await db.delete(outbox)
      .where(and(eq(outbox.status, 'sent'), isNotNull(outbox.sentAt), lt(outbox.sentAt, sentBefore)))
      .returning({ id: outbox.id });
    return { inboxDeleted: inboxRows.length, outboxDeleted: outboxRows.length };
  },
};
