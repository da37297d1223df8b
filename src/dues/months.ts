/** Month lists as people type and read them: `2026-09,2026-10`, `2026-09~2026-11`, `本月`. */
import { parseMonth } from '../bot/dates.ts';
import { formatMonth } from '../bot/time.ts';
import { addMonths, monthKeysBetween, monthsBetween } from '../domain/calendar.ts';

/** More months than a 6-back plus 6-ahead window can ever hold; anything longer is a typo. */
const MAX_LIST = 13;

export type MonthList = { ok: true; months: string[] } | { ok: false; error: string };

/** Parses `2026-11`, `11月`, `本月`, lists joined by `,，、` and ranges with `~`, `-` between months, or `至`/`到`. */
export function parseMonthList(text: string, now: Date, tz: string): MonthList {
  const one = (s: string) => {
    const m = parseMonth(s, now, tz);
    return m && formatMonth(m);
  };
  const months: string[] = [];
  for (const part of text.split(/[,，、;；]+/).map((s) => s.trim()).filter(Boolean)) {
    const single = one(part);
    if (single) {
      months.push(single);
      continue;
    }
    const range = /^(.+?)\s*(?:~|～|至|到|—|--|(?<=\d{4}[-/.]\d{1,2})-)\s*(.+)$/.exec(part);
    const from = range && one(range[1]!);
    const to = range && one(range[2]!);
    if (!from || !to) return { ok: false, error: `看不懂月份“${part}”，请写作 2026-11，多个月用逗号分隔或写作 2026-09至2026-11` };
    if (monthsBetween(from, to) < 0) return { ok: false, error: `月份范围“${part}”起止颠倒了` };
    if (monthsBetween(from, to) >= MAX_LIST) return { ok: false, error: `月份范围“${part}”太长` };
    months.push(...monthKeysBetween(from, to));
  }
  if (months.length === 0) return { ok: false, error: '请写明月份，例如 2026-11' };
  if (months.length > MAX_LIST) return { ok: false, error: `一次最多登记 ${MAX_LIST} 个月` };
  return { ok: true, months: [...months].sort() };
}

/** '2026-11' → '2026年11月'. */
export function monthZh(key: string): string {
  return `${key.slice(0, 4)}年${Number(key.slice(5))}月`;
}

/** Sorted month keys as short Chinese: `2026年8月至10月、2027年1月`. */
export function monthsZh(keys: readonly string[]): string {
  const sorted = [...new Set(keys)].sort();
  const runs: [string, string][] = [];
  for (const k of sorted) {
    const last = runs.at(-1);
    if (last && addMonths(last[1], 1) === k) last[1] = k;
    else runs.push([k, k]);
  }
  return runs.map(([a, b]) => {
    if (a === b) return monthZh(a);
    const end = a.slice(0, 4) === b.slice(0, 4) ? `${Number(b.slice(5))}月` : monthZh(b);
    return `${monthZh(a)}至${end}`;
  }).join('、');
}
