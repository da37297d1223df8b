/**
 * From October, on the first of each month, tells each branch 书记 which party members have had no
 * talk with a committee member this year (支部工作条例 Art.19). A handful of queries in all: the
 * members and the year's held talks (src/talks/coverage.ts), the 书记s' accounts, quiet hours.
 */
import { and, arrayOverlaps, eq, inArray } from 'drizzle-orm';
import { identities, members, tenants } from '../db/schema/index.ts';
import type { Platform } from '../src/bot/types.ts';
import { localDate, localParts } from '../src/domain/calendar.ts';
import { coverageReminderDue } from '../src/domain/talks.ts';
import { enqueue, quietHoursOf } from '../src/notify/outbox.ts';
import { uncoveredByBranch } from '../src/talks/coverage.ts';
import type { Job } from './job.ts';

export const talkCoverageReminder: Job = {
  name: 'talk-coverage',
  cron: '0 9 1 10-12 *',
  description: '10月至12月每月1日9:00，向支部书记发送本年度尚未谈心谈话的党员名单',
  async run(now, { db, tz }) {
    const today = localDate(now, tz);
    if (!coverageReminderDue(today)) return { branches: 0, reminders: 0 };
    const { year, month } = localParts(now, tz);
    const missing = await uncoveredByBranch(db, { year, tz });
    if (!missing.size) return { branches: 0, reminders: 0 };

    const secretaries = await db.select({
      memberId: members.id, branchId: members.branchId, platform: identities.platform, userId: identities.userId,
      tenantId: tenants.id, tenantKey: tenants.externalKey,
    }).from(members)
      .innerJoin(identities, eq(identities.memberId, members.id))
      .innerJoin(tenants, eq(tenants.id, members.tenantId))
      .where(and(eq(members.active, true), arrayOverlaps(members.roles, ['书记']), inArray(members.branchId, [...missing.keys()])));
    const quiet = await quietHoursOf(db, secretaries.map((s) => s.tenantId));
    let reminders = 0;
    for (const s of secretaries) {
      const people = missing.get(s.branchId!);
      if (!people) continue;
      const monthsLeft = 12 - month + 1;
      const sent = await enqueue(db, {
        tenantId: s.tenantId,
        recipient: { platform: s.platform as Platform, kind: 'user', id: s.userId, tenantKey: s.tenantKey },
        reply: {
          kind: 'card',
          title: `${year}年谈心谈话覆盖提醒`,
          tone: 'warning',
          text: `本年度还剩 ${monthsLeft} 个月，以下 ${people.length} 名党员还没有与支委谈心谈话：\n`
            + `${people.map((p) => p.name).join('、')}\n\n按支部工作条例，支委与党员之间的谈心谈话每年一般不少于1次。`,
          buttons: [{ label: '查看覆盖情况', command: '谈话 覆盖' }],
        },
        dedupeKey: `talk-coverage:${s.branchId}:${today.slice(0, 7)}:${s.platform}:${s.userId}`,
        kind: 'reminder',
      }, { now, tz, quietHours: quiet.get(s.tenantId) });
      if (sent) reminders++;
    }
    return { branches: missing.size, reminders };
  },
};
