/**
 * The weekly 公示 board for a branch group: the week's figures and short summaries of resolved
 * appeals with every identity removed. Only the handler's result (or the public summary they
 * wrote) is shown, never the submitter's own text, and names and long numbers are blanked.
 */
import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { appeals, members } from '../../db/schema/index.ts';
import type { CardReply } from '../bot/types.ts';
import { addDays, localDate, localParts, zonedInstant } from '../domain/calendar.ts';
import { percent, stars, type AppealFigures, type Span } from './figures.ts';

export const BOARD_ITEMS = 10;
const SUMMARY_CHARS = 60;

/** Monday 00:00 to Monday 00:00 (local) of the week before `now`'s. */
export function lastWeek(now: Date, tz: string): Span & { from: string; to: string } {
  const monday = addDays(localDate(now, tz), 1 - localParts(now, tz).weekday);
  const from = addDays(monday, -7);
  const at = (d: string) => zonedInstant(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10)), 0, 0, tz);
  return { start: at(from), end: at(monday), from, to: addDays(monday, -1) };
}

export interface BoardItem {
  category: string;
  summary: string;
  onTime: boolean | null;
  rating: number | null;
}

/** Blanks people's names and employee numbers, handles, and digit runs long enough to be a phone or id. */
export function scrub(text: string, names: readonly string[], codes: readonly string[] = []): string {
  let out = text.replace(/匿名#\d+/g, '职工');
  const longestFirst = (xs: readonly string[]) => [...new Set(xs)].filter((x) => x.length >= 2).sort((a, b) => b.length - a.length);
  for (const c of longestFirst(codes)) out = out.split(c).join('＊＊');
  for (const n of longestFirst(names)) out = out.split(n).join('某同志');
  return out.replace(/\d{5,}/g, '＊＊');
}

const clip = (s: string) => ([...s].length > SUMMARY_CHARS ? `${[...s].slice(0, SUMMARY_CHARS).join('')}…` : s);

/** Resolved, publishable appeals of the span, per branch, scrubbed; three queries for the whole tenant. */
export async function boardItems(db: Db, tenantId: number, branchIds: readonly number[], span: Span): Promise<Map<number, BoardItem[]>> {
  const out = new Map<number, BoardItem[]>();
  if (!branchIds.length) return out;
  const submitter = alias(members, 'board_submitter');
  const handler = alias(members, 'board_handler');
  const rows = await db.select({ a: appeals, s: submitter.name, h: handler.name }).from(appeals)
    .leftJoin(submitter, eq(submitter.id, appeals.submitterId))
    .leftJoin(handler, eq(handler.id, appeals.handlerId))
    .where(and(eq(appeals.tenantId, tenantId), inArray(appeals.branchId, [...branchIds]), eq(appeals.publish, true),
      gte(appeals.resolvedAt, span.start), lt(appeals.resolvedAt, span.end)))
    .orderBy(appeals.resolvedAt);
  if (!rows.length) return out;
  const people = await db.select({ branchId: members.branchId, name: members.name, no: members.employeeNo }).from(members)
    .where(and(eq(members.tenantId, tenantId), inArray(members.branchId, [...new Set(rows.map((r) => r.a.branchId))])));
  for (const { a, s, h } of rows) {
    const list = out.get(a.branchId) ?? [];
    if (list.length >= BOARD_ITEMS) continue;
    const branch = people.filter((p) => p.branchId === a.branchId);
    const text = scrub(a.publicSummary ?? a.result ?? '', [...branch.map((p) => p.name), s ?? '', h ?? ''], branch.map((p) => p.no ?? ''));
    list.push({ category: a.category, summary: clip(text), onTime: a.resolvedOnTime, rating: a.rating });
    out.set(a.branchId, list);
  }
  return out;
}

export function boardCard(branch: string, week: { from: string; to: string }, f: AppealFigures, items: readonly BoardItem[]): CardReply {
  const lines = items.map((i) => `· 【${i.category}】${i.summary}${i.onTime === false ? '（超时办结）' : ''}`);
  return {
    kind: 'card',
    title: `${branch}职工诉求公示（${week.from} 至 ${week.to}）`,
    tone: 'info',
    fields: [
      { label: '收到', value: `${f.received}件` },
      { label: '办结', value: `${f.resolved}件` },
      { label: '按时办结', value: `${f.resolvedOnTime}件（${percent(f.onTimeRate)}）` },
      { label: '平均满意度', value: stars(f.averageRating) },
    ],
    text: `${lines.length ? `**本周办结**\n${lines.join('\n')}\n\n` : ''}有困难、有意见，请私聊我发送“诉求 <内容>”，也可以匿名提交。`,
  };
}
