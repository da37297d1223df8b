/**
 * Reminds both people of an agreed talk one day and one hour before it. Three queries per run
 * whatever the size: talks starting within a day, the two people's accounts, the tenants' quiet hours.
 * The dedupe key names the talk, the reminder and the agreed time, so each reminder goes out once,
 * and a talk moved to a new time gets its own reminders.
 */
import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { identities, members, talks, tenants } from '../db/schema/index.ts';
import type { Platform, Reply } from '../src/bot/types.ts';
import { addDays, localDate } from '../src/domain/calendar.ts';
import { enqueue, quietHoursOf } from '../src/notify/outbox.ts';
import { formatClock, formatWhen } from '../src/talks/format.ts';
import { reminderDue, type ReminderKind } from '../src/talks/rules.ts';
import type { Job } from './job.ts';

const host = alias(members, 'reminder_host');
const guest = alias(members, 'reminder_guest');

interface Due {
  id: number;
  tenantId: number;
  scheduledAt: Date;
  place: string | null;
  kind: ReminderKind;
  people: Array<{ memberId: number; otherName: string }>;
}

function reminderText(d: Due, otherName: string, now: Date, tz: string): Reply {
  const date = localDate(d.scheduledAt, tz);
  const when = date === localDate(now, tz) ? `今天 ${formatClock(d.scheduledAt, tz)}`
    : date === addDays(localDate(now, tz), 1) ? `明天 ${formatClock(d.scheduledAt, tz)}` : formatWhen(d.scheduledAt, now, tz);
  return {
    kind: 'card',
    title: d.kind === 'hour' ? '谈心谈话即将开始' : '谈心谈话提醒',
    tone: 'info',
    text: `${when} 您与${otherName}有一次谈心谈话${d.place ? `，地点：${d.place}` : ''}。`,
    fields: [{ label: '编号', value: `#${d.id}` }],
    buttons: [{ label: '查看', command: `谈话 查看 ${d.id}` }],
  };
}

export const talkReminders: Job = {
  name: 'talk-reminders',
  cron: '*/5 * * * *',
  description: '每5分钟检查已确认的谈心谈话，在开始前一天和前一小时提醒双方',
  async run(now, { db, tz }) {
    const rows = await db.select({
      id: talks.id, tenantId: talks.tenantId, scheduledAt: talks.scheduledAt, confirmedAt: talks.confirmedAt,
      place: talks.place, hostId: talks.hostId, guestId: talks.guestId, hostName: host.name, guestName: guest.name,
    }).from(talks)
      .innerJoin(host, eq(host.id, talks.hostId)).innerJoin(guest, eq(guest.id, talks.guestId))
      .where(and(eq(talks.status, 'accepted'), gt(talks.scheduledAt, now), lte(talks.scheduledAt, new Date(now.getTime() + 86_400_000))));
    const due: Due[] = [];
    for (const r of rows) {
      const kind = reminderDue({ scheduledAt: r.scheduledAt!, confirmedAt: r.confirmedAt }, now);
      if (!kind) continue;
      due.push({ id: r.id, tenantId: r.tenantId, scheduledAt: r.scheduledAt!, place: r.place, kind,
        people: [{ memberId: r.hostId, otherName: r.guestName }, { memberId: r.guestId, otherName: r.hostName }] });
    }
    if (!due.length) return { talks: 0, reminders: 0 };

    const accounts = await db.select({ memberId: identities.memberId, platform: identities.platform, userId: identities.userId,
      tenantKey: tenants.externalKey }).from(identities).innerJoin(tenants, eq(tenants.id, identities.tenantId))
      .where(inArray(identities.memberId, [...new Set(due.flatMap((d) => d.people.map((p) => p.memberId)))]));
    const quiet = await quietHoursOf(db, due.map((d) => d.tenantId));
    let reminders = 0;
    for (const d of due) {
      for (const p of d.people) {
        for (const a of accounts.filter((x) => x.memberId === p.memberId)) {
          const sent = await enqueue(db, {
            tenantId: d.tenantId,
            recipient: { platform: a.platform as Platform, kind: 'user', id: a.userId, tenantKey: a.tenantKey },
            reply: reminderText(d, p.otherName, now, tz),
            dedupeKey: `talk-remind:${d.id}:${d.kind}:${d.scheduledAt.toISOString()}:${p.memberId}:${a.platform}:${a.userId}`,
            kind: 'reminder',
          }, { now, tz, quietHours: quiet.get(d.tenantId) });
          if (sent) reminders++;
        }
      }
    }
    return { talks: due.length, reminders };
  },
};
