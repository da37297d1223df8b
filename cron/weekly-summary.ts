/**
 * The weekly branch summary (周报) to every group chat bound to a branch with the summary on.
 *
 * Cron expressions are static while the posting moment is a tenant setting (default Friday 17:00),
 * so the job runs every 15 minutes and acts for tenants whose moment this week has passed. The
 * first successful run at or after the moment decides for the week; a run that failed or did not
 * happen (server down) is made good by the next one within SUMMARY_GRACE_MS. The dedupe key
 * `summary:<chat>:<ISO week>` keeps it to one post per group and week whatever reruns or instances.
 */
import { and, eq, gte, inArray, lt, max } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { branches, chats, jobRuns, outbox, tenants } from '../db/schema/index.ts';
import type { Platform } from '../src/bot/types.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { enqueueMany, type OutboxItem } from '../src/notify/outbox.ts';
import { SUMMARY_GRACE_MS, hasNews, weeklyDue, type DueWeek } from '../src/summary/figures.ts';
import { signals, weekFigures } from '../src/summary/week.ts';
import { weeklyCard } from '../src/summary/weekly-card.ts';
import type { Job } from './job.ts';

const NAME = 'weekly-summary';

export const summaryKey = (chatRowId: number, weekKey: string) => `summary:${chatRowId}:${weekKey}`;

/** The latest slot at which this job ran to the end, within the grace period before `now`. */
async function lastSuccess(db: Db, now: Date): Promise<Date | null> {
  const [row] = await db.select({ slot: max(jobRuns.slot) }).from(jobRuns)
    .where(and(eq(jobRuns.job, NAME), eq(jobRuns.outcome, 'ok'),
      gte(jobRuns.slot, new Date(now.getTime() - SUMMARY_GRACE_MS)), lt(jobRuns.slot, now)));
  return row?.slot ? new Date(row.slot) : null;
}

async function alreadyQueued(db: Db, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = await db.select({ key: outbox.dedupeKey }).from(outbox).where(inArray(outbox.dedupeKey, keys.slice(i, i + 1000)));
    for (const r of rows) found.add(r.key);
  }
  return found;
}

type TenantRow = typeof tenants.$inferSelect;

/** One tenant's posts for the week; returns [groups considered, posts queued, quiet groups]. */
async function postTenant(db: Db, tenant: TenantRow, due: DueWeek, now: Date, tz: string): Promise<[number, number, number]> {
  const groups = await db.select({ id: chats.id, platform: chats.platform, chatId: chats.chatId, branchId: chats.branchId, name: branches.name })
    .from(chats).innerJoin(branches, eq(branches.id, chats.branchId))
    .where(and(eq(chats.tenantId, tenant.id), eq(chats.summaryEnabled, true)))
    .orderBy(chats.id);
  const done = await alreadyQueued(db, groups.map((g) => summaryKey(g.id, due.weekKey)));
  const todo = groups.filter((g) => !done.has(summaryKey(g.id, due.weekKey)));
  if (!todo.length) return [groups.length, 0, 0];
  const refs = new Map(todo.map((g) => [g.branchId, { id: g.branchId, name: g.name }]));
  const figures = new Map((await weekFigures(db, tenant, [...refs.values()], { from: due.from, to: now }, tz))
    .map((f) => [f.branch.id, f]));
  const items: OutboxItem[] = [];
  let quiet = 0;
  for (const g of todo) {
    const f = figures.get(g.branchId)!;
    if (!hasNews(signals(f))) {
      quiet++;
      continue;
    }
    items.push({
      tenantId: tenant.id, kind: 'summary', dedupeKey: summaryKey(g.id, due.weekKey), reply: weeklyCard(f, tz),
      recipient: { platform: g.platform as Platform, kind: 'chat', id: g.chatId, tenantKey: tenant.externalKey },
    });
  }
  const posted = await enqueueMany(db, items, { now, tz, quietHours: parseSettings(tenant.settings).quietHours });
  return [groups.length, posted, quiet];
}

export const weeklySummary: Job = {
  name: NAME,
  cron: '*/15 * * * *',
  description: '每15分钟检查：到了本单位设置的每周小结时间（默认周五 17:00），向开启小结的支部群发送本周工作小结（只含汇总数字；没有需要告知的事项时不发）',
  async run(now, { db, tz }) {
    const counts = { tenants: 0, groups: 0, posted: 0, quiet: 0 };
    const decided = await lastSuccess(db, now);
    for (const tenant of await db.select().from(tenants).orderBy(tenants.id)) {
      const due = weeklyDue(now, tz, parseSettings(tenant.settings).weeklySummary);
      if (!due || (decided && decided >= due.moment)) continue;
      counts.tenants++;
      const [groups, posted, quiet] = await postTenant(db, tenant, due, now, tz);
      counts.groups += groups;
      counts.posted += posted;
      counts.quiet += quiet;
    }
    return counts;
  },
};
