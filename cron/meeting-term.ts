import { and, eq, gte, lte } from 'drizzle-orm';
import { branches, tenants } from '../db/schema/index.ts';
import type { CardReply } from '../src/bot/types.ts';
import { addMonthsToDate, localDate } from '../src/domain/calendar.ts';
import { termReminders, type TermReminder } from '../src/domain/meetings.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { officerRecipients } from '../src/meetings/recipients.ts';
import { enqueue } from '../src/notify/outbox.ts';
import type { Job } from './job.ts';

function termCard(branchName: string, r: TermReminder): CardReply {
  const text = r.stage === '6m'
    ? `本支部本届任期将于 ${r.termEnd} 届满，还有约6个月。请提前做好换届准备，按期换届；确需延期或提前换届的，须报上级党组织批准（一般不超过1年）。`
    : `本支部本届任期将于 ${r.termEnd} 届满，还有1个月。请及时召开支委会研究换届工作，并向上级党组织呈报换届请示。`;
  return { kind: 'card', title: `换届提醒 · ${branchName}`, tone: 'warning', text };
}

/**
 * 换届 (domain.md §2): the 书记 and 组织委员 hear 6 months and 1 month before the branch's term
 * ends. Branches are read once, bounded by their term end; keys make each reminder go out once.
 */
export const meetingTerm: Job = {
  name: 'meeting-term',
  cron: '5 9 * * *',
  description: '每天 09:05 在支部任期届满前6个月和1个月提醒书记和组织委员做好换届准备',
  async run(now, { db, tz }) {
    const date = localDate(now, tz);
    const rows = await db.select({
      id: branches.id, name: branches.name, tenantId: branches.tenantId, termEnd: branches.termEnd, settings: tenants.settings,
    })
      .from(branches)
      .innerJoin(tenants, eq(tenants.id, branches.tenantId))
      .where(and(gte(branches.termEnd, date), lte(branches.termEnd, addMonthsToDate(date, 7))));
    const due = rows.flatMap((b) => termReminders(b.termEnd!, date, b.id).map((r) => ({ b, r })));
    const counts = { reminders: due.length, messages: 0 };
    for (const tenantId of new Set(due.map((d) => d.b.tenantId))) {
      const mine = due.filter((d) => d.b.tenantId === tenantId);
      const officers = await officerRecipients(db, tenantId, mine.map((d) => d.b.id));
      for (const { b, r } of mine) {
        for (const recipient of officers.get(b.id) ?? []) {
          const sent = await enqueue(db, {
            tenantId, recipient, reply: termCard(b.name, r), kind: 'reminder', dedupeKey: `${r.key}:${recipient.platform}:${recipient.id}`,
          }, { now, tz, quietHours: parseSettings(b.settings).quietHours });
          if (sent) counts.messages++;
        }
      }
    }
    return counts;
  },
};
