/** What the `周报` and `月报` commands need beyond the jobs' figures: one branch, the asker's view. */
import { and, eq } from 'drizzle-orm';
import { chats } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import { wallClock, weekdayZh } from '../bot/time.ts';
import type { CardReply } from '../bot/types.ts';
import { parseSettings } from '../domain/settings.ts';
import { assertInBranch, getBranch, type BranchRow } from '../org/members.ts';
import { hasNews, nextMoment } from './figures.ts';
import { signals, weekFigures, type WeekFigures } from './week.ts';
import { weeklyCard } from './weekly-card.ts';

const WEEK_MS = 7 * 86_400_000;

export type ChatRow = typeof chats.$inferSelect;

/** The seven days up to now, for one branch. */
export async function branchWeek(ctx: CommandContext, branch: Pick<BranchRow, 'id' | 'name'>): Promise<WeekFigures> {
  const window = { from: new Date(ctx.now.getTime() - WEEK_MS), to: ctx.now };
  const [f] = await weekFigures(ctx.db, ctx.tenant, [{ id: branch.id, name: branch.name }], window, ctx.tz);
  return f!;
}

/** The binding of the group chat the command was sent in; refuses in an unbound group. */
export async function boundChat(ctx: CommandContext): Promise<ChatRow> {
  const [row] = await ctx.db.select().from(chats).where(and(eq(chats.tenantId, ctx.tenant.id),
    eq(chats.platform, ctx.message.platform), eq(chats.chatId, ctx.message.chat.id)));
  if (!row) throw new UserError('本群还没有绑定支部。请书记在群里发送“支部 绑定群 <支部名称>”。');
  assertInBranch(ctx, row.branchId);
  return row;
}

export async function branchOfChat(ctx: CommandContext, chat: ChatRow): Promise<BranchRow> {
  const branch = await getBranch(ctx.db, ctx.tenant.id, chat.branchId);
  if (!branch) throw new UserError('没有找到本群绑定的支部。');
  return branch;
}

/** 12月4日（周五）17:00 */
export function momentLabel(at: Date, tz: string): string {
  const w = wallClock(at, tz);
  return `${w.m}月${w.d}日（${weekdayZh(at, tz)}）${String(w.hh).padStart(2, '0')}:${String(w.mi).padStart(2, '0')}`;
}

/** When the next summary goes out, and a warning when nothing would be posted as things stand. */
export function scheduleNote(ctx: CommandContext, f: WeekFigures): string {
  const next = nextMoment(ctx.now, ctx.tz, parseSettings(ctx.tenant.settings).weeklySummary);
  const lines = [`下次发送：${momentLabel(next, ctx.tz)}。`];
  if (!hasNews(signals(f))) lines.push('按目前情况，本周没有需要告知的事项；届时仍是如此的话，不会发送。');
  return lines.join('\n');
}

/** The secretary's private view: the group card plus where it goes and when. */
export async function secretaryView(ctx: CommandContext, branch: Pick<BranchRow, 'id' | 'name'>): Promise<CardReply> {
  const f = await branchWeek(ctx, branch);
  const groups = await ctx.db.select({ title: chats.title, chatId: chats.chatId, on: chats.summaryEnabled }).from(chats)
    .where(and(eq(chats.tenantId, ctx.tenant.id), eq(chats.branchId, branch.id))).orderBy(chats.id);
  const where = groups.length
    ? `本支部群：${groups.map((g) => `${g.title ?? g.chatId}（${g.on ? '已开启' : '已关闭'}）`).join('、')}`
    : '本支部还没有绑定群。书记在群里发送“支部 绑定群”后，每周自动发送小结。';
  const card = weeklyCard(f, ctx.tz);
  return { ...card, text: `${card.text}\n\n${where}\n${scheduleNote(ctx, f)}` };
}
