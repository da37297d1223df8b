/**
 * Calendar periods and local dates in the organisation's time zone. Offsets come from Intl, so any
 * IANA zone works; nothing here reads the wall clock.
 */

export const DEFAULT_TZ = 'Asia/Shanghai';

export type PeriodKind = 'month' | 'quarter' | 'year';

export interface Period {
  kind: PeriodKind;
  /** '2026-11', '2026-Q4' or '2026'. */
  key: string;
  /** First instant of the period (local 00:00 of its first day). */
  start: Date;
  /** First instant after the period (exclusive). */
  end: Date;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/**
 * Recent conversions: Intl's formatToParts costs microseconds, and sweeps over a thousand branches ask
 * for the same few instants (period bounds, now) hundreds of thousands of times.
 */
const partsCache = new Map<string, LocalParts>();
const PARTS_CACHE_MAX = 4096;

export function localParts(instant: Date, tz: string = DEFAULT_TZ): LocalParts {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
  const key = `${tz}|${ms}`;
  const hit = partsCache.get(key);
  if (hit) return { ...hit };
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(instant)) parts[p.type] = p.value;
  const out: LocalParts = {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
  if (partsCache.size >= PARTS_CACHE_MAX) partsCache.clear();
  partsCache.set(key, out);
  return { ...out };
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const pad4 = (n: number) => String(n).padStart(4, '0');

/** 'YYYY-MM-DD' of the instant in the zone. */
export function localDate(instant: Date, tz: string = DEFAULT_TZ): string {
  const p = localParts(instant, tz);
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}`;
}

/** 'YYYY-MM' of the instant in the zone. */
export function localMonth(instant: Date, tz: string = DEFAULT_TZ): string {
  return localDate(instant, tz).slice(0, 7);
}

/** Zone offset (local − UTC) in ms at an instant. */
function offsetAt(ms: number, tz: string): number {
  const p = localParts(new Date(ms), tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant of a local wall time. Out-of-range fields roll over (day 32 → next month), so
 * callers can add days or months to the fields. A time skipped by a DST jump resolves to the later
 * offset; none of this matters for Asia/Shanghai.
 */
export function zonedInstant(
  year: number, month: number, day: number, hour = 0, minute = 0, tz: string = DEFAULT_TZ,
): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let t = wall - offsetAt(wall, tz);
  const o2 = offsetAt(t, tz);
  if (wall - o2 !== t) t = wall - o2;
  return new Date(t);
}

function periodKeyOf(kind: PeriodKind, year: number, month: number): string {
  if (kind === 'year') return pad4(year);
  if (kind === 'quarter') return `${pad4(year)}-Q${Math.floor((month - 1) / 3) + 1}`;
  return `${pad4(year)}-${pad2(month)}`;
}

const MONTHS_IN: Record<PeriodKind, number> = { month: 1, quarter: 3, year: 12 };

function buildPeriod(kind: PeriodKind, year: number, firstMonth: number, tz: string): Period {
  return {
    kind,
    key: periodKeyOf(kind, year, firstMonth),
    start: zonedInstant(year, firstMonth, 1, 0, 0, tz),
    end: zonedInstant(year, firstMonth + MONTHS_IN[kind], 1, 0, 0, tz),
  };
}

function firstMonthOf(kind: PeriodKind, month: number): number {
  if (kind === 'year') return 1;
  if (kind === 'quarter') return Math.floor((month - 1) / 3) * 3 + 1;
  return month;
}

/** The month, quarter or year (local calendar) that contains the instant. */
export function periodOf(kind: PeriodKind, instant: Date, tz: string = DEFAULT_TZ): Period {
  const { year, month } = localParts(instant, tz);
  return buildPeriod(kind, year, firstMonthOf(kind, month), tz);
}

const KEY_PATTERNS: [PeriodKind, RegExp][] = [
  ['month', /^(\d{4})-(0[1-9]|1[0-2])$/],
  ['quarter', /^(\d{4})-Q([1-4])$/],
  ['year', /^(\d{4})$/],
];

/** The period named by a key ('2026-11', '2026-Q4', '2026'); undefined if the key is malformed. */
export function periodFromKey(key: string, tz: string = DEFAULT_TZ): Period | undefined {
  for (const [kind, re] of KEY_PATTERNS) {
    const m = re.exec(key);
    if (!m) continue;
    const year = Number(m[1]);
    const n = Number(m[2] ?? 1);
    const firstMonth = kind === 'quarter' ? (n - 1) * 3 + 1 : n;
    return buildPeriod(kind, year, firstMonth, tz);
  }
  return undefined;
}

function shiftPeriod(period: Period, steps: number, tz: string): Period {
  const { year, month } = localParts(period.start, tz);
  const total = year * 12 + (month - 1) + steps * MONTHS_IN[period.kind];
  return buildPeriod(period.kind, Math.floor(total / 12), (total % 12) + 1, tz);
}

export function nextPeriod(period: Period, tz: string = DEFAULT_TZ): Period {
  return shiftPeriod(period, 1, tz);
}

export function previousPeriod(period: Period, tz: string = DEFAULT_TZ): Period {
  return shiftPeriod(period, -1, tz);
}

const MONTH_KEY = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE_KEY = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function isMonthKey(s: string): boolean {
  return MONTH_KEY.test(s);
}

/** A real calendar date in 'YYYY-MM-DD' form (rejects 2026-02-30). */
export function isLocalDate(s: string): boolean {
  const m = DATE_KEY.exec(s);
  return !!m && Number(m[3]) <= daysInMonth(Number(m[1]), Number(m[2]));
}

function parseMonthKey(key: string): number {
  const m = MONTH_KEY.exec(key);
  if (!m) throw new RangeError(`Not a YYYY-MM month key: ${key}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

function monthKeyOfIndex(i: number): string {
  return `${pad4(Math.floor(i / 12))}-${pad2((i % 12) + 1)}`;
}

/** '2026-11' + 2 → '2027-01'. */
export function addMonths(monthKey: string, n: number): string {
  return monthKeyOfIndex(parseMonthKey(monthKey) + n);
}

/** Months from one key to another, both included, in order; empty if `to` is before `from`. */
export function monthKeysBetween(fromKey: string, toKey: string): string[] {
  const out: string[] = [];
  for (let i = parseMonthKey(fromKey), end = parseMonthKey(toKey); i <= end; i++) out.push(monthKeyOfIndex(i));
  return out;
}

/** Signed whole months from `fromKey` to `toKey` ('2026-11' → '2027-01' is 2). */
export function monthsBetween(fromKey: string, toKey: string): number {
  return parseMonthKey(toKey) - parseMonthKey(fromKey);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dayNumber(localDateStr: string): number {
  if (!isLocalDate(localDateStr)) throw new RangeError(`Not a YYYY-MM-DD date: ${localDateStr}`);
  const [y, m, d] = localDateStr.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

function dateOfDayNumber(n: number): string {
  const d = new Date(n * 86_400_000);
  return `${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** Calendar days from local date A to local date B (positive when B is later). */
export function daysUntil(localDateA: string, localDateB: string): number {
  return dayNumber(localDateB) - dayNumber(localDateA);
}

export function addDays(localDateStr: string, n: number): string {
  return dateOfDayNumber(dayNumber(localDateStr) + n);
}

/** Same day n months later, clamped to the month's end ('2026-08-31' − 6 months → '2026-02-28'). */
export function addMonthsToDate(localDateStr: string, n: number): string {
  dayNumber(localDateStr);
  const month = addMonths(localDateStr.slice(0, 7), n);
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${pad2(Math.min(Number(localDateStr.slice(8)), daysInMonth(y, m)))}`;
}
