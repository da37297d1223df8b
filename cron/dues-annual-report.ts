import { eq, inArray } from 'drizzle-orm';
import { branches, chats, tenants } from '../db/schema/index.ts';
import type { Reply } from '../src/bot/types.ts';
import { localDate } from '../src/domain/calendar.ts';
import { formatYuan } from '../src/domain/dues.ts';
import { branchTotals, type BranchYear } from '../src/dues/ledger-sql.ts';
import { enqueueMany, type OutboxItem } from '../src/notify/outbox.ts';
import type { Job } from './job.ts';

/** Below this many members an aggregate would all but name one person's dues. */
const MIN_MEMBERS_FOR_AMOUNTS = 3;
const BRANCH_CHUNK = 250;

/** One decimal, rounded half up, from integers: 975 of 1170 → '83.3'. */
function percent(part: number, whole: number): string {
  const permille = Math.floor((part * 1000 + Math.floor(whole / 2)) / whole);
  return `${Math.floor(permille / 10)}.${permille % 10}`;
}

/** The group post: totals only, never a name or an individual amount. */
export function annualReport(branchName: string, year: number, t: BranchYear): Reply {
  const unsettled = t.members - t.settled;
  const lines = t.members < MIN_MEMBERS_FOR_AMOUNTS
    ? [`${year}年，本支部 ${t.members} 名党员中 ${t.settled} 人全年足额交纳党费。本支部人数较少，为保护个人信息，不在群内公布金额。`]
    : [
      `${year}年，本支部 ${t.members} 名党员应交党费 ${formatYuan(t.dueFen)} 元，已交 ${formatYuan(t.paidFen)} 元，`
        + `收缴率 ${t.dueFen > 0 ? percent(t.paidFen, t.dueFen) : '100.0'}%；全年足额交纳 ${t.settled} 人。`,
    ];
  if (unsettled > 0) lines.push(`尚有 ${unsettled} 人未交清，支部会计将个别联系（名单不在群内公布）。`);
  lines.push('感谢同志们按时足额交纳党费！详细台账可向支部书记、会计查阅。');
  return { kind: 'card', title: `${branchName}${year}年党费收缴情况`, tone: 'info', text: lines.join('\n') };
}

/**
 * Each January, every group chat bound to a branch gets last year's 党费收缴 totals (基层党组织每年向
 * 党员公布一次党费收缴情况). Aggregates only: a group never sees who paid what.
 */
export const duesAnnualReport: Job = {
  name: 'dues-annual-report',
  cron: '0 10 10 1 *',
  description: '每年1月10日 10:00 向各支部群公布上一年党费收缴汇总（只含汇总数字，不含个人金额）',
  async run(now, { db, tz }) {
    const year = Number(localDate(now, tz).slice(0, 4)) - 1;
    const groups = await db.select({
      chatRow: chats.id, platform: chats.platform, chatId: chats.chatId, branchId: chats.branchId,
      branchName: branches.name, tenantId: chats.tenantId, tenantKey: tenants.externalKey,
    }).from(chats).innerJoin(branches, eq(branches.id, chats.branchId)).innerJoin(tenants, eq(tenants.id, chats.tenantId));
    const branchIds = [...new Set(groups.map((g) => g.branchId))];
    let posts = 0;
    let branchesReported = 0;
    for (let i = 0; i < branchIds.length; i += BRANCH_CHUNK) {
      const totals = new Map((await branchTotals(db, branchIds.slice(i, i + BRANCH_CHUNK), `${year}-01`, `${year}-12`)).map((t) => [t.branchId, t]));
      branchesReported += totals.size;
      const items: OutboxItem[] = groups.filter((g) => totals.has(g.branchId)).map((g) => ({
        tenantId: g.tenantId,
        recipient: { platform: g.platform as OutboxItem['recipient']['platform'], kind: 'chat', id: g.chatId, tenantKey: g.tenantKey },
        reply: annualReport(g.branchName, year, totals.get(g.branchId)!),
        kind: 'summary',
        dedupeKey: `dues-annual:${g.branchId}:${year}:${g.chatRow}`,
      }));
      posts += await enqueueMany(db, items, { now, tz });
    }
    return { branches: branchesReported, posts };
  },
};
