/** How meetings, periods and cadences read in Chinese replies, reminders and the .xlsx ledger. */
import { formatDateTime, wallClock, weekdayZh } from '../bot/time.ts';
import type { Cadence } from '../domain/meetings.ts';
import { MEETING_KINDS, MEETING_LABELS, meetingKindOf, type MeetingKind } from '../domain/meetings.ts';
import { UserError } from '../bot/errors.ts';

const QUARTERS = ['一', '二', '三', '四'];

/** '2026-11' → 2026年11月, '2026-Q4' → 2026年第四季度, '2026' → 2026年度. */
export function periodLabel(key: string): string {
  let m = /^(\d{4})-Q([1-4])$/.exec(key);
  if (m) return `${m[1]}年第${QUARTERS[Number(m[2]) - 1]}季度`;
  m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  return /^\d{4}$/.test(key) ? `${key}年度` : key;
}

/** The period without its year, for compact lists: 11月, 第四季度, 全年. */
export function shortPeriodLabel(key: string): string {
  return /^\d{4}$/.test(key) ? '全年' : periodLabel(key).slice('2026年'.length);
}

export const CADENCE_LABELS: Record<Cadence, string> = { month: '每月', quarter: '每季度', year: '每年', none: '不要求' };

/** 支部委员会会议; a 党小组会 is named after its group: 第一党小组会, 研发组党小组会. */
export function meetingTitle(kind: MeetingKind, groupName?: string | null): string {
  if (!groupName) return MEETING_LABELS[kind];
  return groupName.endsWith('小组') ? `${groupName}会` : `${groupName}党小组会`;
}

/** 2026-11-20 15:00（周五） */
export function whenLabel(at: Date, tz: string): string {
  return `${formatDateTime(at, tz)}（${weekdayZh(at, tz)}）`;
}

/** 12月10日（周四）15:00 — for reminders, where the year is obvious. */
export function shortWhen(at: Date, tz: string): string {
  const w = wallClock(at, tz);
  return `${w.m}月${w.d}日（${weekdayZh(at, tz)}）${formatDateTime(at, tz).slice(11)}`;
}

export function kindOrRefuse(text: string): MeetingKind {
  const kind = meetingKindOf(text);
  if (!kind) {
    throw new UserError(`“${text}”不是会议类型。可选：${MEETING_KINDS.join('、')}（也可写支委会、党员大会、小组会）。`);
  }
  return kind;
}

export interface AbsentLine {
  name: string;
  absenceReason: string | null;
}

/** 李四（出差）、王五（未注明原因） */
export function absentList(rows: readonly AbsentLine[]): string {
  if (!rows.length) return '无';
  return rows.map((r) => `${r.name}（${r.absenceReason ?? '未注明原因'}）`).join('、');
}
