import { and, arrayOverlaps, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { identities, members, tenants } from '../db/schema/index.ts';
import type { Recipient } from '../src/bot/types.ts';
import { localDate } from '../src/domain/calendar.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { planReminders, REMINDED_ROLES } from '../src/development/reminders.ts';
import { tenantInDevelopment } from '../src/development/store.ts';
import { enqueueMany, type OutboxItem } from '../src/notify/outbox.ts';
import type { Job } from './job.ts';

/** A run also sends what the week before it should have sent (a stopped server); dedupe keys keep it to once. */
export const CATCH_UP_DAYS = 7;

/** Officer ids by branch, and every bound account of those officers: two queries per tenant. */
async function officerAccounts(db: Db, tenantId: number, branchIds: readonly number[]) {
  const officers = await db.select({ id: members.id, branchId: members.branchId }).from(members)
    .where(and(eq(members.tenantId, tenantId), inArray(members.branchId, [...branchIds]), eq(members.active, true),
      arrayOverlaps(members.roles, [...REMINDED_ROLES])));
  const accounts = officers.length ? await db
    .select({ memberId: identities.memberId, platform: identities.platform, userId: identities.userId, tenantKey: tenants.externalKey })
    .from(identities).innerJoin(tenants, eq(tenants.id, identities.tenantId))
    .where(and(eq(identities.tenantId, tenantId), inArray(identities.memberId, officers.map((o) => o.id)))) : [];
  const branchOf = new Map(officers.map((o) => [o.id, o.branchId!]));
  const byBranch = new Map<number, Recipient[]>();
  for (const a of accounts) {
    const branch = branchOf.get(a.memberId)!;
    const list = byBranch.get(branch) ?? [];
    list.push({ platform: a.platform as Recipient['platform'], kind: 'user', id: a.userId, tenantKey: a.tenantKey });
    byBranch.set(branch, list);
  }
  return byBranch;
}

/**
 * Every time limit of 发展党员 (细则 2014 and the tenant's local rules), to each branch's 书记 and
 * 组织委员 on the day it is due: talk within a month of the application, the half-yearly review of
 * each 积极分子, the day one becomes eligible as 发展对象, 上级党委 approval after 3 and 6 months, the
 * end of the 预备期 (30 days before, and overdue), 公示 ended, 思想汇报 due.
 */
export const developmentReminders: Job = {
  name: 'development-reminders',
  cron: '30 8 * * *',
  description: '每天 08:30 检查发展党员各项时限（谈话、积极分子考察、审批、预备期满等），提醒支部书记和组织委员',
  async run(now, { db, tz }) {
    const today = localDate(now, tz);
    const counts = { tenants: 0, people: 0, reminders: 0, sent: 0, unreachable: 0 };
    for (const tenant of await db.select({ id: tenants.id, settings: tenants.settings }).from(tenants)) {
      const people = await tenantInDevelopment(db, tenant.id);
      if (!people.length) continue;
      counts.tenants++;
      counts.people += people.length;
      const settings = parseSettings(tenant.settings);
      const planned = planReminders(people, settings.development, today, CATCH_UP_DAYS);
      if (!planned.length) continue;
      const recipients = await officerAccounts(db, tenant.id, [...new Set(planned.map((p) => p.branchId))]);
      const items: OutboxItem[] = [];
      for (const p of planned) {
        counts.reminders++;
        const to = recipients.get(p.branchId) ?? [];
        if (!to.length) counts.unreachable++;
        for (const recipient of to) {
          items.push({ tenantId: tenant.id, recipient, reply: p.reply, kind: 'reminder',
            dedupeKey: `${p.key}:${recipient.platform}:${recipient.id}` });
        }
      }
      counts.sent += await enqueueMany(db, items, { now, tz, quietHours: settings.quietHours });
    }
    return counts;
  },
};
