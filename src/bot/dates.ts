/**
 * Chinese date and time phrases, read in the organisation's zone.
 *
 * Explicit calendar forms (`2026-12-20`, `2026/12/20`, `2026年12月5日`, `12月5日`, `十二月五日`), day
 * words (`今天`, `明天`, `后天`) and weekday phrases (`周三`, `下周三`, `本周五`, `星期天`) are parsed
 * here, because they must be exact: impossible dates give null instead of rolling over, and chrono's
 * week arithmetic differs from how people use 本周/下周 (weeks run Monday to Sunday). Everything else — `3天后`, `今晚8点`, and
 * times of day such as `下午3点`, `晚上七点半`, `15:00` — goes to chrono's Simplified Chinese parser,
 * which must account for the whole phrase (a partial match is refused, never guessed at).
 *
 * Future bias: a month-day without a year is the next one on or after today (`12月5日` on 2026-12-02
 * is 2026-12-05, `12月1日` is 2027-12-01); a bare weekday is the next one on or after today, moved a
 * week on when a time given with it has already passed today.
 */
// The Simplified Chinese parser alone: the package root loads every locale (about 11 MiB more memory).
import * as chrono from 'chrono-node/zh/hans';
import { normalize } from './normalize.ts';
import { addDays, compareYmd, instantFromWallClock, isoWeekday, isValidYmd, todayIn, wallClock, type Ymd } from './time.ts';

export interface TimeOfDay {
  hh: number;
  mi: number;
}

/** A parsed phrase: a calendar date in the zone, and a time of day when one was given. */
export interface When {
  date: Ymd;
  time: TimeOfDay | null;
}

export interface YearMonth {
  y: number;
  m: number;
}

export interface YearQuarter {
  y: number;
  /** 1–4 */
  q: number;
}

const MAX_LEN = 64;
const ZH_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** `12`, `十二`, `二十一`, `三十`; and digit by digit for years (`二〇二六`). Null when not a number. */
export function zhNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (/^[零〇一二两三四五六七八九]{2,}$/.test(s)) return Number([...s].map((c) => ZH_DIGITS[c]).join(''));
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || s === '') return null;
  if (!m[2]) return m[3] || !m[1] ? null : ZH_DIGITS[m[1]]!;
  return (m[1] ? ZH_DIGITS[m[1]]! : 1) * 10 + (m[3] ? ZH_DIGITS[m[3]]! : 0);
}

function prep(text: string): string {
  return normalize(text).replace(/一刻/g, '15分').replace(/三刻/g, '45分');
}

/**
 * chrono's Chinese parsers read the reference through the process's local-time getters and ignore
 * its timezone, so we hand it an instant whose *local* reading is the wall clock in `tz` and only
 * ever read components (never `.date()`) from its results.
 */
function reference(now: Date, tz: string): Date {
  const w = wallClock(now, tz);
  return new Date(w.y, w.m - 1, w.d, w.hh, w.mi, w.ss);
}

const NUM = '(\\d{1,2}|[一二两三四五六七八九十]{1,3})';
const NUMERIC_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[日号]?/;
const ZH_DATE = new RegExp(`^(?:(\\d{4}|[零〇一二三四五六七八九]{4})年)?${NUM}月${NUM}[日号]?`);
const WEEKDAY = /^(上上|下下|上个?|下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天1-7])/;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
// Handled here rather than by chrono, which takes 明天 said before 02:00 to mean the same day.
const RELATIVE_DAY = /^(今天|今日|明天|明日|后天|大后天|昨天|昨日|前天|大前天)/;
const RELATIVE_DAYS: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 大后天: 3, 昨天: -1, 昨日: -1, 前天: -2, 大前天: -3 };
const WEEK_SHIFT: Record<string, number> = { 上上: -14, 上: -7, 上个: -7, 下: 7, 下个: 7, 下下: 14, 这: 0, 这个: 0, 本: 0 };

/** The date and (if given) time a phrase names, or null when it names none or an impossible one. */
export function parseWhen(text: string, now: Date, tz: string): When | null {
  const s = prep(text);
  if (!s || s.length > MAX_LEN) return null;

  const iso = ISO_INSTANT.exec(s);
  if (iso) {
    if (!isValidYmd({ y: Number(iso[1]), m: Number(iso[2]), d: Number(iso[3]) })) return null;
    const at = new Date(s);
    if (Number.isNaN(at.getTime())) return null;
    const w = wallClock(at, tz);
    return { date: { y: w.y, m: w.m, d: w.d }, time: { hh: w.hh, mi: w.mi } };
  }

  const today = todayIn(now, tz);
  const explicit = explicitDate(s, today);
  if (explicit) {
    if (!explicit.date) return null;
    let time: TimeOfDay | null = null;
    if (explicit.rest) {
      time = parseTimeOfDay(explicit.rest, now, tz);
      if (!time) return null;
    }
    let date = explicit.date;
    if (explicit.bareWeekday && time && compareYmd(date, today) === 0) {
      const clock = wallClock(now, tz);
      if (time.hh * 60 + time.mi < clock.hh * 60 + clock.mi) date = addDays(date, 7);
    }
    return { date, time };
  }

  const r = wholeMatch(s, now, tz);
  // chrono fills a missing day with today's; `2026年11月` names a month, not a date.
  if (!r || !(r.start.isCertain('day') || r.start.isCertain('weekday') || r.start.isCertain('hour'))) return null;
  // `下午` alone is a part of the day, not a date.
  if (!r.start.isCertain('hour') && r.start.get('meridiem') !== null) return null;
  const date = { y: r.start.get('year')!, m: r.start.get('month')!, d: r.start.get('day')! };
  if (!isValidYmd(date)) return null;
  const time = r.start.isCertain('hour') ? { hh: r.start.get('hour')!, mi: r.start.get('minute') ?? 0 } : null;
  return { date, time };
}

/** A point in time; a date without a time of day is its start (00:00 in `tz`). */
export function parseDateTime(text: string, now: Date, tz: string): Date | null {
  const w = parseWhen(text, now, tz);
  if (!w) return null;
  return instantFromWallClock({ ...w.date, hh: w.time?.hh ?? 0, mi: w.time?.mi ?? 0 }, tz);
}

/** A calendar date in `tz`; a phrase with a time of day is refused. */
export function parseDate(text: string, now: Date, tz: string): Ymd | null {
  const w = parseWhen(text, now, tz);
  return w && !w.time ? w.date : null;
}

interface Explicit {
  /** Null when the phrase has a date form but names an impossible date. */
  date: Ymd | null;
  rest: string;
  bareWeekday: boolean;
}

function explicitDate(s: string, today: Ymd): Explicit | null {
  const rest = (m: RegExpExecArray) => s.slice(m[0].length).replace(/^[\sT]+/, '');
  let m = NUMERIC_DATE.exec(s);
  if (m) return { date: checked({ y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) }), rest: rest(m), bareWeekday: false };

  m = ZH_DATE.exec(s);
  if (m) {
    const month = zhNumber(m[2]!);
    const day = zhNumber(m[3]!);
    if (month === null || day === null) return { date: null, rest: '', bareWeekday: false };
    let y = m[1] ? zhNumber(m[1]) : today.y;
    if (y === null) return { date: null, rest: '', bareWeekday: false };
    if (!m[1] && compareYmd({ y, m: month, d: day }, today) < 0) y += 1;
    return { date: checked({ y, m: month, d: day }), rest: rest(m), bareWeekday: false };
  }

  m = RELATIVE_DAY.exec(s);
  if (m) return { date: addDays(today, RELATIVE_DAYS[m[1]!]!), rest: rest(m), bareWeekday: false };

  m = WEEKDAY.exec(s);
  if (m) {
    const target = '一二三四五六'.indexOf(m[2]!) + 1 || Number(m[2]) || 7;
    const wd = isoWeekday(today);
    const date = m[1] === undefined ? addDays(today, (target - wd + 7) % 7) : addDays(today, target - wd + WEEK_SHIFT[m[1]]!);
    return { date, rest: rest(m), bareWeekday: m[1] === undefined };
  }
  return null;
}

function checked(d: Ymd): Ymd | null {
  return d.y >= 1900 && d.y <= 2199 && isValidYmd(d) ? d : null;
}

/** A time of day alone (`15:00`, `下午3点`, `晚上七点半`); null for anything else. */
export function parseTimeOfDay(text: string, now: Date, tz: string): TimeOfDay | null {
  const s = prep(text);
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (m) {
    const hh = Number(m[1]);
    const mi = Number(m[2]);
    return hh < 24 && mi < 60 && Number(m[3] ?? 0) < 60 ? { hh, mi } : null;
  }
  const r = wholeMatch(s, now, tz);
  if (!r || !r.start.isCertain('hour') || r.start.isCertain('day') || r.start.isCertain('weekday')) return null;
  return { hh: r.start.get('hour')!, mi: r.start.get('minute') ?? 0 };
}

/** chrono's reading of `s`, only when one result accounts for all of it. */
function wholeMatch(s: string, now: Date, tz: string): chrono.ParsedResult | null {
  if (!s || s.length > MAX_LEN) return null;
  let results: chrono.ParsedResult[];
  try {
    results = chrono.parse(s, reference(now, tz), { forwardDate: true });
  } catch {
    return null;
  }
  const r = results[0];
  if (results.length !== 1 || !r || r.index !== 0 || r.text.length !== s.length) return null;
  return r;
}

/** `2026-11`, `2026/11`, `2026年11月`, `11月` / `十一月` (this year), `本月`, `上月`, `下个月` … */
export function parseMonth(text: string, now: Date, tz: string): YearMonth | null {
  const s = prep(text);
  const today = todayIn(now, tz);
  const rel = /^(本|这个?|当|上个?|下个?)月(份)?$/.exec(s);
  if (rel) {
    const shift = rel[1]!.startsWith('上') ? -1 : rel[1]!.startsWith('下') ? 1 : 0;
    return addMonths({ y: today.y, m: today.m }, shift);
  }
  let m = /^(\d{4})[-/.](\d{1,2})$/.exec(s);
  if (!m) m = new RegExp(`^(?:(\\d{4}|[零〇一二三四五六七八九]{4})年)?${NUM}月(?:份)?$`).exec(s);
  if (!m) return null;
  const y = m[1] ? zhNumber(m[1]) : today.y;
  const month = zhNumber(m[2]!);
  if (y === null || month === null || y < 1900 || y > 2199 || month < 1 || month > 12) return null;
  return { y, m: month };
}

export function addMonths({ y, m }: YearMonth, n: number): YearMonth {
  const i = y * 12 + (m - 1) + n;
  return { y: Math.floor(i / 12), m: (i % 12) + 1 };
}

/** `2026`, `2026年`, `今年`, `去年`, `明年`, `前年`, `后年`. */
export function parseYear(text: string, now: Date, tz: string): number | null {
  const s = prep(text);
  const y = todayIn(now, tz).y;
  const rel: Record<string, number> = { 今年: 0, 本年: 0, 去年: -1, 明年: 1, 前年: -2, 后年: 2 };
  if (s in rel) return y + rel[s]!;
  const m = /^(\d{4}|[零〇一二三四五六七八九]{4})(?:年|年度)?$/.exec(s);
  const n = m ? zhNumber(m[1]!) : null;
  return n !== null && n >= 1900 && n <= 2199 ? n : null;
}

/** `2026Q4`, `2026-Q4`, `2026年第四季度`, `四季度`/`Q4` (this year), `本季度`, `上季度`, `下个季度`. */
export function parseQuarter(text: string, now: Date, tz: string): YearQuarter | null {
  const s = prep(text).replace(/\s/g, '');
  const today = todayIn(now, tz);
  const current = { y: today.y, q: Math.ceil(today.m / 3) };
  const rel = /^(本|这个?|当|上个?|下个?)季度?$/.exec(s);
  if (rel) {
    const shift = rel[1]!.startsWith('上') ? -1 : rel[1]!.startsWith('下') ? 1 : 0;
    const i = current.y * 4 + current.q - 1 + shift;
    return { y: Math.floor(i / 4), q: (i % 4) + 1 };
  }
  const m =
    /^(?:(\d{4})-?)?q([1-4])$/i.exec(s) ?? /^(?:(\d{4}|[零〇一二三四五六七八九]{4})年)?第?([1-4一二三四])季度?$/.exec(s);
  if (!m) return null;
  const y = m[1] ? zhNumber(m[1]) : current.y;
  const q = zhNumber(m[2]!);
  if (y === null || q === null || y < 1900 || y > 2199 || q < 1 || q > 4) return null;
  return { y, q };
}

/** `2026-Q4` */
export function formatQuarter({ y, q }: YearQuarter): string {
  return `${y}-Q${q}`;
}
