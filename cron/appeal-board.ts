/** Every Monday morning, the previous week's 职工诉求 公示 in each branch's bound group chats. */
import { and, eq, inArray } from 'drizzle-orm';
import { branches, chats, tenants } from '../db/schema/index.ts';
import { boardCard, boardItems, lastWeek } from '../src/appeals/board.ts';
import { figuresByBranch } from '../src/appeals/figures.ts';
import type { Platform } from '../src/bot/types.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { enqueue } from '../src/notify/outbox.ts';
import type { Job } from './job.ts';

export const appealBoard: Job = {
  name: 'appeal-board',
  cron: '0 9 * * MON',
  description: '每周一 09:00 在支部群公示上周职工诉求的收到、办结、按时办结和满意度，以及去除身份信息的办结摘要',
  async run(now, { db, tz }) {
    const week = lastWeek(now, tz);
    let posted = 0;
    let branchesShown = 0;
    const bound = await db.select({ tenantId: chats.tenantId }).from(chats).where(eq(chats.summaryEnabled, true)).groupBy(chats.tenantId);
    if (!bound.length) return { posted, branches: branchesShown };
    for (const tenant of await db.select().from(tenants).where(inArray(tenants.id, bound.map((b) => b.tenantId)))) {
      const figures = await figuresByBranch(db, tenant.id, week);
      // Only branches that had appeals that week: an empty board every week is noise.
      const busy = [...figures].filter(([, f]) => f.received > 0 || f.resolved > 0).map(([id]) => id);
      if (!busy.length) continue;
      const [groups, names, items] = await Promise.all([
        db.select().from(chats).where(and(eq(chats.tenantId, tenant.id), eq(chats.summaryEnabled, true), inArray(chats.branchId, busy))),
        db.select({ id: branches.id, name: branches.name }).from(branches).where(and(eq(branches.tenantId, tenant.id), inArray(branches.id, busy))),
        boardItems(db, tenant.id, busy, week),
      ]);
      const quietHours = parseSettings(tenant.settings).quietHours;
      const shown = new Set<number>();
      for (const chat of groups) {
        const branch = names.find((b) => b.id === chat.branchId)?.name ?? '';
        const card = boardCard(branch, week, figures.get(chat.branchId)!, items.get(chat.branchId) ?? []);
        const inserted = await enqueue(db, {
          tenantId: tenant.id, kind: 'summary', reply: card, dedupeKey: `appeal-board:${chat.id}:${week.from}`,
          recipient: { platform: chat.platform as Platform, kind: 'chat', id: chat.chatId, tenantKey: tenant.externalKey },
        }, { now, tz, quietHours });
        if (inserted) posted++;
        shown.add(chat.branchId);
      }
      branchesShown += shown.size;
    }
    return { posted, branches: branchesShown };
  },
};
