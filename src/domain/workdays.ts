/**
 * Chinese working days: weekends, public holidays and 调休 make-up workdays from `chinese-days`
 * (1.5.7 carries the State Council arrangements for 2004–2026), plus a per-tenant override table for
 * a year the package does not cover yet or for a correction.
 *
 * Working-time deadlines are computed on the local wall clock of the zone (offsets from Intl via
 * calendar.ts), so a deadline lands on the same wall-clock time whatever the zone's offset.
 */
// The package's documented JSON of State Council arrangements, not its functions: those build their
// date tables with the process's local-time getters, so on a host west of UTC every date is off by
// one (isWorkday('2026-10-10') is false under TZ=America/Los_Angeles). Its CommonJS entry also
// cannot be imported by name from Node ESM.
import arrangements from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { DEFAULT_TZ, isLocalDate, localParts, zonedInstant } from './calendar.ts';

const HOLIDAYS: Readonly<Record<string, string>> = arrangements.holidays;
const MAKE_UP_WORKDAYS: Readonly<Record<string, string>> = arrangements.workdays;

/** 'YYYY-MM-DD' → 'work' or 'off'; wins over the package for that date. */
export type DayOverrides = Readonly<Record<string, 'work' | 'off'>>;

/** A stretch during which an SLA clock stands still; `to` absent means it is still paused. */
export interface Pause {
  from: Date;
  to?: Date;
}

/** Local wall-clock working hours, 'HH:MM'. */
export interface WorkingHours {
  dayStart: string;
  dayEnd: string;
}

export const DEFAULT_WORKING_HOURS: Readonly<WorkingHours> = Object.freeze({ dayStart: '09:00', dayEnd: '18:00' });

const DAY = 86_400_000;
const HOUR = 3_600_000;
// Ten years of calendar without a single working day means the overrides are wrong.
const MAX_DAYS = 3660;

function ymd(date: string): [year: number, monthIndex: number, day: number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [y, m - 1, d];
}

function requireDate(date: string): void {
  if (!isLocalDate(date)) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
}

/**
 * Whether `chinese-days` has the official holiday arrangement for the year. A published arrangement
 * always lists 元旦 and 国庆节; for any other year isWorkingDay can only assume Monday–Friday, so a
 * reminder job should ask admins to fill the overrides from that year's 国务院办公厅 notice.
 */
export function coversYear(year: number): boolean {
  return Number.isInteger(year) && `${year}-01-01` in HOLIDAYS && `${year}-10-01` in HOLIDAYS;
}

/** Overrides first, then the official arrangement (holidays and 调休 make-up days), then Monday–Friday. */
export function isWorkingDay(date: string, overrides: DayOverrides = {}): boolean {
  requireDate(date);
  const o = overrides[date];
  if (o !== undefined) return o === 'work';
  if (date in MAKE_UP_WORKDAYS) return true;
  if (date in HOLIDAYS) return false;
  const weekday = new Date(Date.UTC(...ymd(date))).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The n-th working day strictly after a calendar date (n = 0 returns the date itself). */
export function addWorkingDaysToDate(date: string, n: number, overrides: DayOverrides = {}): string {
  requireDate(date);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Working days must be a whole number ≥ 0: ${n}`);
  let ms = Date.UTC(...ymd(date));
  for (let left = n, i = 0; left > 0; i++) {
    if (i > MAX_DAYS) throw new RangeError('No working day within ten years; check the day overrides');
    ms += DAY;
    if (isWorkingDay(dateOfWall(ms), overrides)) left--;
  }
  return dateOfWall(ms);
}

// "Wall" time: the local wall clock of the zone written as if it were UTC milliseconds.
function toWall(instant: Date, tz: string): number {
  const p = localParts(instant, tz);
  const subSecond = ((instant.getTime() % 1000) + 1000) % 1000;
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + subSecond;
}

function fromWall(wall: number, tz: string): Date {
  const w = new Date(wall);
  const minute = zonedInstant(w.getUTCFullYear(), w.getUTCMonth() + 1, w.getUTCDate(), w.getUTCHours(), w.getUTCMinutes(), tz);
  return new Date(minute.getTime() + w.getUTCSeconds() * 1000 + w.getUTCMilliseconds());
}

function dateOfWall(wall: number): string {
  return new Date(wall).toISOString().slice(0, 10);
}

function minutesOf(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`Not an HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

interface Span {
  from: number;
  to: number;
}

/** Sorted, with overlapping spans merged, so no moment counts twice. */
function merge(spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const s of [...spans].filter((x) => x.to > x.from).sort((a, b) => a.from - b.from)) {
    const last = out.at(-1);
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}

/**
 * Walks the wall clock from `start`, counting only time inside each working day's window and
 * outside pauses, until `amount` ms have run. Null when an open pause stops the clock first.
 */
function walk(start: number, amount: number, window: Span, overrides: DayOverrides, pauses: Span[]): number | null {
  let left = amount;
  let cursor = start;
  if (left <= 0) return cursor;
  for (let i = 0; i <= MAX_DAYS; i++) {
    const midnight = Math.floor(cursor / DAY) * DAY;
    if (isWorkingDay(dateOfWall(midnight), overrides)) {
      let at = Math.max(cursor, midnight + window.from);
      const end = midnight + window.to;
      for (const p of pauses) {
        if (p.to <= at) continue;
        if (p.from >= end) break;
        if (p.from > at) {
          if (left <= p.from - at) return at + left;
          left -= p.from - at;
        }
        if (p.to === Infinity) return null;
        at = p.to;
        if (at >= end) break;
      }
      if (at < end) {
        if (left <= end - at) return at + left;
        left -= end - at;
      }
    }
    cursor = midnight + DAY;
  }
  throw new RangeError('No working time within ten years; check the day overrides');
}

export type WorkingLimit = { workingDays: number } | { workingHours: number };

export interface WorkingTimeOptions {
  tz?: string;
  overrides?: DayOverrides;
  pauses?: readonly Pause[];
  hours?: WorkingHours;
}

/**
 * When a limit counted in working days or working hours runs out, started at `from`, with the
 * clock standing still during pauses. Null while an open pause holds the clock.
 *
 * - Working days: every working day counts whole (local 00:00–24:00), other days not at all. From a
 *   working day, n working days end at the same wall-clock time on the n-th following working day
 *   (Friday 15:00 + 1 → Monday 15:00). From a non-working day the clock starts at the next working
 *   day's 00:00, so the limit ends at the close (24:00) of the n-th working day (Saturday + 1 → end
 *   of Monday, i.e. Tuesday 00:00).
 * - Working hours: only time between dayStart and dayEnd on working days counts; evenings, nights,
 *   weekends and holidays do not. A start outside those hours starts at the next dayStart (urgent
 *   at 20:00 + 2 h → 11:00 the next working day); a limit that runs out exactly at dayEnd stays there.
 */
export function workingDeadline(from: Date, limit: WorkingLimit, opts: WorkingTimeOptions = {}): Date | null {
  const tz = opts.tz ?? DEFAULT_TZ;
  let amount: number;
  let window: Span;
  if ('workingDays' in limit) {
    if (!Number.isInteger(limit.workingDays) || limit.workingDays < 0) {
      throw new RangeError(`Working days must be a whole number ≥ 0: ${limit.workingDays}`);
    }
    amount = limit.workingDays * DAY;
    window = { from: 0, to: DAY };
  } else {
    if (!(limit.workingHours >= 0)) throw new RangeError(`Working hours must be ≥ 0: ${limit.workingHours}`);
    const h = opts.hours ?? DEFAULT_WORKING_HOURS;
    window = { from: minutesOf(h.dayStart) * 60_000, to: minutesOf(h.dayEnd) * 60_000 };
    if (window.to <= window.from) throw new RangeError(`dayEnd ${h.dayEnd} must be after dayStart ${h.dayStart}`);
    amount = limit.workingHours * HOUR;
  }
  // An open pause runs to +∞ on the wall clock.
  const pauses = merge((opts.pauses ?? []).map((p) => ({ from: toWall(p.from, tz), to: p.to ? toWall(p.to, tz) : Infinity })));
  const wall = walk(toWall(from, tz), amount, window, opts.overrides ?? {}, pauses);
  return wall === null ? null : fromWall(wall, tz);
}

/** `fromInstant` plus n working days (see workingDeadline for how the days count). */
export function addWorkingDays(fromInstant: Date, n: number, tz: string = DEFAULT_TZ, overrides: DayOverrides = {}): Date {
  return workingDeadline(fromInstant, { workingDays: n }, { tz, overrides }) as Date;
}

/** `fromInstant` plus working hours inside the working day (see workingDeadline). */
export function addWorkingHours(
  fromInstant: Date, hours: number, tz: string = DEFAULT_TZ, overrides: DayOverrides = {},
  workingHours: WorkingHours = DEFAULT_WORKING_HOURS,
): Date {
  return workingDeadline(fromInstant, { workingHours: hours }, { tz, overrides, hours: workingHours }) as Date;
}

/**
 * Milliseconds from start to now, less the time spent in pauses (overlaps counted once; an open
 * pause runs to now). Plain elapsed time: working days are the deadline's business, not this one's.
 */
export function elapsedWithPauses(start: Date, now: Date, pauses: readonly Pause[]): number {
  const s = start.getTime();
  const n = now.getTime();
  if (n <= s) return 0;
  const clipped = pauses.map((p) => ({ from: Math.max(p.from.getTime(), s), to: Math.min(p.to?.getTime() ?? n, n) }));
  return merge(clipped).reduce((left, p) => left - (p.to - p.from), n - s);
}
