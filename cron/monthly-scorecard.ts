/**
 * The monthly scorecard (工作简报): on the 1st, last month's meeting compliance, dues collection
 * and talk coverage (and appeals), each beside the month before, privately to each branch's 书记
 * and, all branches side by side, to the tenant's admins. One message per recipient and month
 * (`scorecard:<recipient>:<month>`; an admin's further pages add `:<page>`).
 */
import { eq } from 'drizzle-orm';
import { branches, tenants } from '../db/schema/index.ts';
import type { Recipient } from '../src/bot/types.ts';
import { localMonth, addMonths } from '../src/domain/calendar.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { enqueueMany, type OutboxItem } from '../src/notify/outbox.ts';
import { monthScores } from '../src/summary/month.ts';
import { adminAccounts, recipientKey, secretaryAccounts } from '../src/summary/recipients.ts';
import { adminCards, secretaryCard } from '../src/summary/scorecard-card.ts';
import type { Job } from './job.ts';

export const scorecardKey = (r: Recipient, month: string, page = 1) =>
  `scorecard:${recipientKey(r)}:${month}${page > 1 ? `:${page}` : ''}`;

export const monthlyScorecard: Job = {
  name: 'monthly-scorecard',
  cron: '0 9 1 * *',
  description: '每月1日 09:00 向各支部书记私信上月工作简报（组织生活、党费收缴、谈心谈话覆盖，与前一月对照），向管理员发送各支部并列的简报（不排名）',
  async run(now, { db, tz, config }) {
    const month = addMonths(localMonth(now, tz), -1);
    const previous = addMonths(month, -1);
    const counts = { tenants: 0, branches: 0, messages: 0 };
    for (const tenant of await db.select().from(tenants).orderBy(tenants.id)) {
      const list = await db.select({ id: branches.id, name: branches.name, parentOrg: branches.parentOrg })
        .from(branches).where(eq(branches.tenantId, tenant.id)).orderBy(branches.id);
      if (!list.length) continue;
      counts.tenants++;
      counts.branches += list.length;
      const scores = await monthScores(db, tenant, list, month, tz);
      const [chiefs, admins] = await Promise.all([
        secretaryAccounts(db, tenant, list.map((b) => b.id)),
        adminAccounts(db, tenant, config.admins),
      ]);
      const items: OutboxItem[] = [];
      const served = new Set(admins.map(recipientKey));
      const cards = adminCards(scores, month, tenant.name);
      for (const r of admins) {
        cards.forEach((reply, i) => items.push({ tenantId: tenant.id, kind: 'summary', recipient: r, reply, dedupeKey: scorecardKey(r, month, i + 1) }));
      }
      for (const s of scores) {
        // A branch with nobody to measure has nothing to report to its 书记.
        if (s.month.dues.due + s.month.meetings.due + s.month.coverage.party === 0) continue;
        for (const r of chiefs.get(s.branch.id) ?? []) {
          // An admin who is also a 书记 has their branch in the admins' cards already.
          if (served.has(recipientKey(r))) continue;
          served.add(recipientKey(r));
          items.push({ tenantId: tenant.id, kind: 'summary', recipient: r, reply: secretaryCard(s, month, previous), dedupeKey: scorecardKey(r, month) });
        }
      }
      counts.messages += await enqueueMany(db, items, { now, tz, quietHours: parseSettings(tenant.settings).quietHours });
    }
    return counts;
  },
};
