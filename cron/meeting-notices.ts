import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import { identities, meetingAttendance, meetingResponses, meetings, partyGroups, tenants } from '../db/schema/index.ts';
import type { Platform } from '../src/bot/types.ts';
import type { MeetingKind } from '../src/domain/meetings.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { reminderCard } from '../src/meetings/cards.ts';
import { deliveryTime, enqueue } from '../src/notify/outbox.ts';
import type { Job } from './job.ts';

const HOUR = 3_600_000;
const STAGES = [['1h', HOUR], ['1d', 24 * HOUR]] as const;

/**
 * The latest reminder due for a meeting at `now`: '1h' from an hour before it starts, '1d' from a day
 * before. A stage is skipped when the notice itself went out after it was due (the notice is enough).
 */
export function noticeStage(heldAt: Date, createdAt: Date, now: Date): '1h' | '1d' | undefined {
  for (const [stage, before] of STAGES) {
    const due = heldAt.getTime() - before;
    if (now.getTime() >= due) return createdAt.getTime() < due ? stage : undefined;
  }
  return undefined;
}

/**
 * Reminders of announced meetings, a day and an hour before, to every invitee who has not asked for
 * leave. Runs often; the dedupe key (meeting, stage, account) sends each reminder once.
 */
export const meetingNotices: Job = {
  name: 'meeting-notices',
  cron: '*/10 * * * *',
  description: '每10分钟检查已通知的会议，会前一天和一小时提醒未请假的参会人员',
  async run(now, { db, tz }) {
    const planned = await db.select({ m: meetings, groupName: partyGroups.name, settings: tenants.settings, tenantKey: tenants.externalKey })
      .from(meetings)
      .innerJoin(tenants, eq(tenants.id, meetings.tenantId))
      .leftJoin(partyGroups, eq(partyGroups.id, meetings.partyGroupId))
      .where(and(eq(meetings.status, 'planned'), gt(meetings.heldAt, now), lte(meetings.heldAt, new Date(now.getTime() + 24 * HOUR))));
    const due = planned.flatMap((p) => {
      const stage = noticeStage(p.m.heldAt, p.m.createdAt, now);
      return stage ? [{ ...p, stage }] : [];
    });
    const counts = { meetings: due.length, reminders: 0 };
    if (!due.length) return counts;
    const invitees = await db.select({
      meetingId: meetingAttendance.meetingId, answer: meetingResponses.answer, platform: identities.platform, userId: identities.userId,
    })
      .from(meetingAttendance)
      .innerJoin(identities, and(eq(identities.memberId, meetingAttendance.memberId), eq(identities.tenantId, meetingAttendance.tenantId)))
      .leftJoin(meetingResponses, and(eq(meetingResponses.meetingId, meetingAttendance.meetingId),
        eq(meetingResponses.memberId, meetingAttendance.memberId)))
      .where(inArray(meetingAttendance.meetingId, due.map((d) => d.m.id)));
    const byMeeting = new Map<number, typeof invitees>();
    for (const i of invitees) {
      const list = byMeeting.get(i.meetingId);
      if (list) list.push(i);
      else byMeeting.set(i.meetingId, [i]);
    }
    for (const d of due) {
      const m = { ...d.m, kind: d.m.kind as MeetingKind, groupName: d.groupName };
      const quiet = parseSettings(d.settings).quietHours;
      // A reminder held back by quiet hours past the start of the meeting would be useless.
      const quietHours = deliveryTime('reminder', now, tz, quiet) >= m.heldAt ? null : quiet;
      for (const i of byMeeting.get(m.id) ?? []) {
        if (i.answer === '请假') continue;
        const sent = await enqueue(db, {
          tenantId: m.tenantId,
          recipient: { platform: i.platform as Platform, kind: 'user', id: i.userId, tenantKey: d.tenantKey },
          reply: reminderCard(m, d.stage, i.answer !== null, tz),
          kind: 'reminder',
          dedupeKey: `meeting-remind:${m.id}:${d.stage}:${i.platform}:${i.userId}`,
        }, { now, tz, quietHours });
        if (sent) counts.reminders++;
      }
    }
    return counts;
  },
};
