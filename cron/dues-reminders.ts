import { and, arrayOverlaps, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { branches, identities, members, tenants } from '../db/schema/index.ts';
import type { Recipient } from '../src/bot/types.ts';
import { addMonths, localDate } from '../src/domain/calendar.ts';
import { collectionDay, consecutiveUnpaid, escalation } from '../src/domain/dues.ts';
import { branchCollectionDay } from '../src/dues/collection.ts';
import { unpaidMembers } from '../src/dues/ledger-sql.ts';
import { memberReminder, secretaryNotice } from '../src/dues/reminders.ts';
import { enqueueMany, type OutboxItem } from '../src/notify/outbox.ts';
import type { Job } from './job.ts';

/** Months looked at: enough for the 6-month ladder and the 6-month 补交 window. */
const WINDOW_MONTHS = 12;
// One ledger query reads the window's payments once; chunks only bound memory for very large tenants.
const BRANCH_CHUNK = 2000;

/** Branches whose collection day is `today`, with their tenant's platform key. */
async function dueBranches(db: Db, today: string) {
  const rows = await db.select({ id: branches.id, tenantId: branches.tenantId, settings: branches.settings, tenantSettings: tenants.settings })
    .from(branches).innerJoin(tenants, eq(tenants.id, branches.tenantId));
  const month = today.slice(0, 7);
  return rows.filter((b) => collectionDay(month, branchCollectionDay(b.settings, b.tenantSettings)) === today).map((b) => b.id);
}

/** Every bound account of the active members of these branches. */
async function accounts(db: Db, branchIds: readonly number[]): Promise<Map<number, Recipient[]>> {
  const out = new Map<number, Recipient[]>();
  const rows = await db.select({ memberId: identities.memberId, platform: identities.platform, userId: identities.userId, tenantKey: tenants.externalKey })
    .from(identities).innerJoin(members, eq(members.id, identities.memberId)).innerJoin(tenants, eq(tenants.id, identities.tenantId))
    .where(and(inArray(members.branchId, [...branchIds]), eq(members.active, true)));
  for (const r of rows) {
    const list = out.get(r.memberId) ?? [];
    list.push({ platform: r.platform as Recipient['platform'], kind: 'user', id: r.userId, tenantKey: r.tenantKey });
    out.set(r.memberId, list);
  }
  return out;
}

/** Each branch's 书记 (or 副书记 where there is no 书记). */
async function secretaries(db: Db, branchIds: readonly number[]): Promise<Map<number, number[]>> {
  const rows = await db.select({ id: members.id, branchId: members.branchId, roles: members.roles }).from(members)
    .where(and(inArray(members.branchId, [...branchIds]), eq(members.active, true), arrayOverlaps(members.roles, ['书记', '副书记'])));
  const out = new Map<number, number[]>();
  for (const b of branchIds) {
    const here = rows.filter((r) => r.branchId === b);
    const chosen = here.some((r) => r.roles.includes('书记')) ? here.filter((r) => r.roles.includes('书记')) : here;
    out.set(b, chosen.map((r) => r.id));
  }
  return out;
}

/**
 * On each branch's collection day (default the 5th), every party member with an unpaid month gets
 * one private reminder with the amount; from 3 months overdue the secretary is asked to talk with
 * them, at 5 both are told of 自行脱党, at 6 the case goes to the 支部党员大会. Set-based: three
 * queries for up to 2,000 branches, and multi-row inserts into the outbox.
 */
export const duesReminders: Job = {
  name: 'dues-reminders',
  cron: '0 9 * * *',
  description: '每天 09:00 检查当天是党费收缴日的支部，私信提醒有未交月份的党员，并按连续未交月数提醒书记',
  async run(now, { db, tz }) {
    const today = localDate(now, tz);
    const month = today.slice(0, 7);
    const due = await dueBranches(db, today);
    const counts = { branches: due.length, members: 0, queued: 0, talks: 0, warnings: 0, flags: 0, unreachable: 0 };
    for (let i = 0; i < due.length; i += BRANCH_CHUNK) {
      const chunk = due.slice(i, i + BRANCH_CHUNK);
      const owing = await unpaidMembers(db, chunk, addMonths(month, -(WINDOW_MONTHS - 1)), month);
      if (!owing.length) continue;
      const secs = await secretaries(db, chunk);
      const people = await accounts(db, chunk);
      const items: OutboxItem[] = [];
      for (const o of owing) {
        counts.members++;
        const ledger = o.months.map((m, k) => ({ month: m, paid: false, amountFen: o.amounts[k] }));
        const run = consecutiveUnpaid(ledger, month);
        const level = escalation(run);
        const mine = people.get(o.memberId) ?? [];
        if (!mine.length) counts.unreachable++;
        const reply = memberReminder({ name: o.name, months: o.months, amounts: o.amounts, currentMonth: month, level });
        for (const r of mine) {
          items.push({ tenantId: o.tenantId, recipient: r, reply, kind: 'reminder', dedupeKey: `dues-unpaid:${o.memberId}:${month}:${r.platform}:${r.id}` });
        }
        const runMonths = o.months.filter((m) => m < month).slice(-run);
        const notice = secretaryNotice({ name: o.name, run, runMonths, level });
        if (!notice) continue;
        if (level === 'talk') counts.talks++;
        else if (level === 'warn_lapse') counts.warnings++;
        else counts.flags++;
        for (const s of (secs.get(o.branchId) ?? []).filter((id) => id !== o.memberId)) {
          for (const r of people.get(s) ?? []) {
            items.push({ tenantId: o.tenantId, recipient: r, reply: notice, kind: 'reminder',
              dedupeKey: `dues-escalation:${o.memberId}:${month}:${level}:${r.platform}:${r.id}` });
          }
        }
      }
      counts.queued += await enqueueMany(db, items, { now, tz, concurrency: 2 });
    }
    return counts;
  },
};
