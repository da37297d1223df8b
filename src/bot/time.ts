/**
 * Calendar dates and wall-clock time in an IANA zone. Offsets always come from Intl for the zone and
 * the instant, never a hard-coded +08:00.
 */

import { localParts } from '../domain/calendar.ts';

export { DEFAULT_TZ } from '../domain/calendar.ts';

/** A calendar date; `m` is 1–12. */
export interface Ymd {
  y: number;
  m: number;
  d: number;
}

export interface WallClock extends Ymd {
  hh: number;
  mi: number;
  ss: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

/** The wall-clock reading of `instant` in `tz` (the calendar module's cached conversion). */
export function wallClock(instant: Date, tz: string): WallClock {
  const p = localParts(instant, tz);
  return { y: p.year, m: p.month, d: p.day, hh: p.hour, mi: p.minute, ss: p.second, weekday: p.weekday };
}

/** Minutes east of UTC in `tz` at `instant` (480 for Asia/Shanghai). */
export function tzOffsetMinutes(instant: Date, tz: string): number {
  const w = wallClock(instant, tz);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mi, w.ss);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the clock in `tz` reads the given wall-clock time. In a DST gap the result is
 * shifted forward by the gap; in an overlap the earlier instant is taken.
 */
export function instantFromWallClock(t: Ymd & { hh?: number; mi?: number; ss?: number }, tz: string): Date {
  const asUtc = Date.UTC(t.y, t.m - 1, t.d, t.hh ?? 0, t.mi ?? 0, t.ss ?? 0);
  const day = 86_400_000;
  const before = asUtc - tzOffsetMinutes(new Date(asUtc - day), tz) * 60_000;
  const after = asUtc - tzOffsetMinutes(new Date(asUtc + day), tz) * 60_000;
  const reads = (ms: number) => {
    const w = wallClock(new Date(ms), tz);
    return Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mi, w.ss) === asUtc;
  };
  const fits = [before, after].filter(reads);
  return new Date(fits.length ? Math.min(...fits) : before);
}

export function isValidYmd({ y, m, d }: Ymd): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday({ y, m, d }: Ymd): number {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
}

export function addDays({ y, m, d }: Ymd, n: number): Ymd {
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function compareYmd(a: Ymd, b: Ymd): number {
  return a.y - b.y || a.m - b.m || a.d - b.d;
}

/** Today's calendar date in `tz`. */
export function todayIn(now: Date, tz: string): Ymd {
  const { y, m, d } = wallClock(now, tz);
  return { y, m, d };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-12-05` */
export function formatYmd({ y, m, d }: Ymd): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** Parses exactly `YYYY-MM-DD` (what `arg.date` produces); null when malformed or impossible. */
export function parseYmd(s: string): Ymd | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const ymd = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  return isValidYmd(ymd) ? ymd : null;
}

/** `2026-11` */
export function formatMonth({ y, m }: { y: number; m: number }): string {
  return `${pad(y, 4)}-${pad(m)}`;
}

/** `2026-12-05` for the calendar date of `instant` in `tz`. */
export function formatDate(instant: Date, tz: string): string {
  return formatYmd(wallClock(instant, tz));
}

/** `2026-12-05 15:00` in `tz`. */
export function formatDateTime(instant: Date, tz: string): string {
  const w = wallClock(instant, tz);
  return `${formatYmd(w)} ${pad(w.hh)}:${pad(w.mi)}`;
}

export const WEEKDAYS_ZH = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'] as const;

/** `周三` for the weekday of `instant` in `tz`. */
export function weekdayZh(instant: Date, tz: string): string {
  return WEEKDAYS_ZH[wallClock(instant, tz).weekday - 1]!;
}
