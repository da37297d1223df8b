/**
 * A small 5-field cron matcher (minute hour day-of-month month day-of-week) with lists, ranges,
 * steps and month/day names, read in a time zone. It agrees with node-cron, which does the actual
 * scheduling on Node: when both day fields are restricted a day must match BOTH (classic Vixie cron
 * takes either), so toUtcCron refuses such expressions rather than guess what Cloudflare does.
 */
import { localParts, zonedInstant } from '../src/domain/calendar.ts';

export class CronExprError extends Error {
  override name = 'CronExprError';
}

interface Field {
  values: ReadonlySet<number>;
  /** Written as `*`: unrestricted. */
  any: boolean;
  text: string;
}

export interface CronExpr {
  source: string;
  minute: Field;
  hour: Field;
  dom: Field;
  month: Field;
  /** 0 = Sunday … 6 = Saturday (7 is read as Sunday). */
  dow: Field;
}

/** The local fields `matches` needs; `weekday` is ISO (1 = Monday … 7 = Sunday), as in calendar.ts. */
export interface CronParts {
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_NAMES = DAYS.map((d) => d.toUpperCase());

const LONG_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday',
];
const UNSUPPORTED = /^(\?|L|LW|L-\d+|\d+[LW]|\d+#\d+)$/i;

/** Day-of-week is read on 0-7 (0 and 7 both Sunday) and stored on 0-6. */
function parseField(text: string, name: string, min: number, max: number, names?: string[]): Field {
  const isDow = name === 'day-of-week';
  const top = isDow ? 6 : max;
  const size = max - min + 1;
  const num = (s: string): number => {
    if (names) {
      const lower = s.toLowerCase();
      const i = names.indexOf(lower.slice(0, 3));
      if (i >= 0 && (lower.length === 3 || LONG_NAMES.includes(lower))) return i + min;
    }
    if (!/^\d+$/.test(s)) throw new CronExprError(`cron ${name} field: "${s}" is not a number${names ? ' or a name' : ''}`);
    const n = Number(s);
    if (n < min || n > max) throw new CronExprError(`cron ${name} field: ${n} is outside ${min}-${max}`);
    return n;
  };
  const values = new Set<number>();
  for (const part of text.split(',')) {
    if (UNSUPPORTED.test(part)) throw new CronExprError(`cron ${name} field: "${part}" (L, W, # and ?) is not supported`);
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronExprError(`cron ${name} field: cannot read "${part}"`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) throw new CronExprError(`cron ${name} field: a step must be at least 1`);
    const range = m[1]!;
    let from = min;
    let to = top;
    if (range.includes('-')) {
      const [a, b, extra] = range.split('-');
      if (extra !== undefined || !a || !b) throw new CronExprError(`cron ${name} field: cannot read "${range}"`);
      [from, to] = [num(a), num(b)];
    } else if (range !== '*') {
      from = num(range);
      to = m[2] === undefined ? from : top;
    }
    // A descending range wraps around (FRI-MON), as node-cron reads it.
    const span = to >= from ? to - from : to - from + size;
    for (let k = 0; k <= span; k += step) {
      const v = ((from - min + k) % size) + min;
      values.add(isDow ? v % 7 : v);
    }
  }
  return { values, any: text === '*', text };
}

export function parseCron(expr: string): CronExpr {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new CronExprError(`cron expression "${expr}" must have 5 fields (minute hour day month weekday), not ${fields.length}`);
  }
  const [mi, h, dom, mo, dow] = fields as [string, string, string, string, string];
  return {
    source: expr.trim(),
    minute: parseField(mi, 'minute', 0, 59),
    hour: parseField(h, 'hour', 0, 23),
    dom: parseField(dom, 'day-of-month', 1, 31),
    month: parseField(mo, 'month', 1, 12, MONTHS),
    dow: parseField(dow, 'day-of-week', 0, 7, DAYS),
  };
}

const asExpr = (e: string | CronExpr) => (typeof e === 'string' ? parseCron(e) : e);

function dayMatches(c: CronExpr, day: number, month: number, weekday: number): boolean {
  return c.month.values.has(month) && c.dom.values.has(day) && c.dow.values.has(weekday % 7);
}

export function matches(expr: string | CronExpr, p: CronParts): boolean {
  const c = asExpr(expr);
  return c.minute.values.has(p.minute) && c.hour.values.has(p.hour) && dayMatches(c, p.day, p.month, p.weekday);
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Four years and a day: long enough to find a 29 February. */
const SEARCH_DAYS = 4 * 366;

/** The wall-clock minute of `instant` in `tz`, as a naive UTC millisecond count. */
function wallOf(instant: Date, tz: string): number {
  const p = localParts(instant, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
}

/** The instant of a naive wall-clock minute, or undefined when a DST jump skips it. */
function instantOf(wall: number, tz: string): Date | undefined {
  const d = new Date(wall);
  const at = zonedInstant(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), tz);
  return wallOf(at, tz) === wall ? at : undefined;
}

function search(c: CronExpr, fromWall: number, direction: 1 | -1, tz: string): Date | undefined {
  const hours = [...c.hour.values].sort((a, b) => (a - b) * direction);
  const minutes = [...c.minute.values].sort((a, b) => (a - b) * direction);
  const startDay = Math.floor(fromWall / DAY) * DAY;
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const day = startDay + i * direction * DAY;
    const d = new Date(day);
    if (!dayMatches(c, d.getUTCDate(), d.getUTCMonth() + 1, d.getUTCDay())) continue;
    for (const h of hours) {
      for (const m of minutes) {
        const wall = day + h * 3_600_000 + m * MINUTE;
        if ((wall - fromWall) * direction < 0) continue;
        const at = instantOf(wall, tz);
        if (at) return at;
      }
    }
  }
  return undefined;
}

/** The latest slot at or before `now` (its minute counts), within four years. */
export function previousSlot(expr: string | CronExpr, now: Date, tz: string): Date | undefined {
  return search(asExpr(expr), wallOf(now, tz), -1, tz);
}

/** The first slot strictly after the minute of `now`. */
export function nextSlot(expr: string | CronExpr, now: Date, tz: string): Date | undefined {
  return search(asExpr(expr), wallOf(now, tz) + MINUTE, 1, tz);
}

function offsetMinutes(instant: Date, tz: string): number {
  return Math.round((wallOf(instant, tz) - Math.floor(instant.getTime() / MINUTE) * MINUTE) / MINUTE);
}

function dayNames(values: ReadonlySet<number>): string {
  const days = [...values].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < days.length; i++) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    runs.push(j > i ? `${DAY_NAMES[days[i]!]}-${DAY_NAMES[days[j]!]}` : DAY_NAMES[days[i]!]!);
    i = j;
  }
  return runs.join(',');
}

/**
 * The same schedule as a UTC cron expression for Cloudflare Cron Triggers. Works when the zone has
 * one whole-hour offset all year and the expression does not need a day-of-month or month shift;
 * throws CronExprError otherwise. Weekdays come out as names (Cloudflare's 1 is Sunday).
 */
export function toUtcCron(expr: string, tz: string, at: Date = new Date()): string {
  const c = parseCron(expr);
  const year = new Date(at).getUTCFullYear();
  const offsets = new Set([at, new Date(Date.UTC(year, 0, 15)), new Date(Date.UTC(year, 6, 15))].map((d) => offsetMinutes(d, tz)));
  if (offsets.size > 1) throw new CronExprError(`${tz} changes its UTC offset during the year; a fixed UTC cron cannot follow "${expr}"`);
  const offset = [...offsets][0]!;
  if (offset % 60 !== 0) throw new CronExprError(`${tz} is not a whole number of hours from UTC; "${expr}" has no UTC equivalent in whole hours`);
  if (!c.dom.any && !c.dow.any) {
    throw new CronExprError(`"${expr}" restricts both day of month and weekday, which cron dialects read differently; split it`);
  }
  const dow = c.dow.any ? '*' : dayNames(c.dow.values);
  const offH = offset / 60;
  if (offH === 0) return [c.minute.text, c.hour.text, c.dom.text, c.month.text, dow].join(' ');
  if (c.hour.any) {
    if (c.dom.any && c.month.any && c.dow.any) return [c.minute.text, '*', '*', '*', '*'].join(' ');
    throw new CronExprError(`"${expr}" runs every hour on some days only; those days start at a different hour in UTC`);
  }
  const shifted = [...c.hour.values].map((h) => h - offH);
  const shifts = new Set(shifted.map((h) => Math.floor(h / 24)));
  if (shifts.size > 1) {
    throw new CronExprError(`"${expr}" has hours on both sides of midnight UTC; split it into two jobs`);
  }
  const dayShift = [...shifts][0]!;
  const hours = shifted.map((h) => h - dayShift * 24).sort((a, b) => a - b).join(',');
  if (dayShift === 0) return [c.minute.text, hours, c.dom.text, c.month.text, dow].join(' ');
  if (!c.dom.any || !c.month.any) {
    throw new CronExprError(`"${expr}" falls on the ${dayShift < 0 ? 'previous' : 'next'} day in UTC, and a day-of-month or month cannot be shifted`);
  }
  const shiftedDow = c.dow.any ? '*' : dayNames(new Set([...c.dow.values].map((d) => (((d + dayShift) % 7) + 7) % 7)));
  return [c.minute.text, hours, '*', '*', shiftedDow].join(' ');
}
