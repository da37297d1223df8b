import { and, eq, gte, lte, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { branches, meetings, tenants } from '../db/schema/index.ts';
import type { CardReply } from '../src/bot/types.ts';
import { addDays, localDate, periodFromKey, periodOf, previousPeriod } from '../src/domain/calendar.ts';
import {
  compliance, deadlineReminders, MEETING_KINDS, requiredMeetings, type Cadences, type HeldMeeting, type MeetingKind, type MeetingReminder,
} from '../src/domain/meetings.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { meetingTitle, periodLabel } from '../src/meetings/format.ts';
import { EMPTY_SHAPE, branchShapes } from '../src/meetings/ledger.ts';
import { officerRecipients } from '../src/meetings/recipients.ts';
import { enqueueMany, type OutboxItem } from '../src/notify/outbox.ts';
import type { Job } from './job.ts';

/**
 * Held meetings per branch, each kind only from the start of the period before the current one of its
 * cadence: all that compliance() looks at without `from` (a year's monthly meetings would be most rows).
 */
async function heldSincePreviousPeriod(db: Db, tenantId: number, cadences: Cadences, now: Date, tz: string): Promise<Map<number, HeldMeeting[]>> {
  const out = new Map<number, HeldMeeting[]>();
  const windows = MEETING_KINDS.flatMap((kind) => {
    const cadence = cadences[kind];
    if (cadence === 'none') return [];
    return [and(eq(meetings.kind, kind), gte(meetings.heldAt, previousPeriod(periodOf(cadence, now, tz), tz).start))];
  });
  if (!windows.length) return out;
  const rows = await db.select({ branchId: meetings.branchId, kind: meetings.kind, partyGroupId: meetings.partyGroupId, heldAt: meetings.heldAt })
    .from(meetings)
    .where(and(eq(meetings.tenantId, tenantId), eq(meetings.status, 'held'), lte(meetings.heldAt, now), or(...windows)));
  for (const r of rows) {
    const list = out.get(r.branchId) ?? [];
    list.push({ kind: r.kind as MeetingKind, partyGroupId: r.partyGroupId, heldAt: r.heldAt });
    out.set(r.branchId, list);
  }
  return out;
}

function line(r: MeetingReminder, tz: string): string {
  const what = `${meetingTitle(r.kind, r.partyGroupName)}（${periodLabel(r.periodKey)}）`;
  if (r.stage === 'missed') return `• ${what}：没有召开记录，已逾期。如已召开，请补登。`;
  const last = addDays(localDate(periodFromKey(r.periodKey, tz)!.end, tz), -1);
  return `• ${what}：尚未登记，本期还剩 ${r.daysLeft} 天（至 ${Number(last.slice(5, 7))}月${Number(last.slice(8))}日）。`;
}

function digest(branchName: string, reminders: readonly MeetingReminder[], tz: string): CardReply {
  // On the first day of a year the missed meetings belong to the year before.
  const year = Math.min(...reminders.map((r) => Number(r.periodKey.slice(0, 4))));
  return {
    kind: 'card', title: `组织生活提醒 · ${branchName}`, tone: 'warning',
    text: [
      ...reminders.map((r) => line(r, tz)),
      '',
      '已召开的请发送“会议 登记 <类型> <时间>”登记；需要通知参会人员的，可用“会议 安排”。',
    ].join('\n'),
    buttons: [{ label: '查看台账', command: `会议 台账 ${year}` }],
  };
}

/**
 * 三会一课 deadlines (domain.md §1): the 书记 and 组织委员 of each branch hear N days before a
 * period ends (tenant setting, default 7 and 2) about each required meeting not yet recorded, and on
 * the first day of the next period about each one missed. One card per branch and day; its dedupe
 * key makes every reminder go out once whatever reruns or instances.
 */
export const meetingDeadlines: Job = {
  name: 'meeting-deadlines',
  cron: '0 9 * * *',
  description: '每天 09:00 提醒书记和组织委员：应开的会议临近期末尚未登记，或上一期未召开',
  async run(now, { db, tz }) {
    const date = localDate(now, tz);
    const counts = { branches: 0, reminders: 0, messages: 0, unreachable: 0 };
    const items: OutboxItem[] = [];
    for (const t of await db.select({ id: tenants.id, settings: tenants.settings }).from(tenants)) {
      const settings = parseSettings(t.settings);
      const rows = await db.select({ id: branches.id, name: branches.name }).from(branches).where(eq(branches.tenantId, t.id));
      if (!rows.length) continue;
      const shapes = await branchShapes(db, t.id);
      const held = await heldSincePreviousPeriod(db, t.id, settings.meetingCadences, now, tz);
      const due = new Map<number, MeetingReminder[]>();
      for (const b of rows) {
        const required = requiredMeetings(shapes.get(b.id) ?? EMPTY_SHAPE, settings.meetingCadences);
        const reminders = deadlineReminders({
          branchId: b.id, compliance: compliance(required, held.get(b.id) ?? [], now, tz), date, tz, offsets: settings.meetingReminderDays,
        });
        if (reminders.length) due.set(b.id, reminders);
      }
      if (!due.size) continue;
      const officers = await officerRecipients(db, t.id, [...due.keys()]);
      for (const b of rows) {
        const reminders = due.get(b.id);
        if (!reminders) continue;
        counts.branches++;
        counts.reminders += reminders.length;
        const recipients = officers.get(b.id) ?? [];
        if (!recipients.length) counts.unreachable++;
        const reply = digest(b.name, reminders, tz);
        for (const recipient of recipients) {
          items.push({
            tenantId: t.id, recipient, reply, kind: 'reminder',
            dedupeKey: `meeting-due:${b.id}:${date}:${recipient.platform}:${recipient.id}`,
          });
        }
      }
    }
    // Quiet hours are each tenant's, read once per tenant.
    counts.messages = await enqueueMany(db, items, { now, tz, concurrency: 2 });
    return counts;
  },
};
