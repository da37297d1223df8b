/**
 * Pure rules of the weekly summary and the monthly scorecard: week boundaries and the posting
 * moment in the org zone, which meetings are due or missed, rates, text bars, and whether a week
 * has anything worth posting. No I/O, no wall clock.
 */
import {
  addDays, daysUntil, localDate, localParts, periodOf, previousPeriod, zonedInstant, type Period,
} from '../domain/calendar.ts';
import {
  compliance, type Cadences, type ComplianceEntry, type HeldMeeting, type MeetingKind, type RequiredMeeting,
} from '../domain/meetings.ts';

const DAY_MS = 86_400_000;

/** A late or caught-up hourly run still posts this long after the configured moment. */
export const SUMMARY_GRACE_MS = 6 * 3_600_000;
/** Open meetings whose period ends within this many days are listed as due next. */
export const DUE_NEXT_DAYS = 92;
/** A period that ended without its meeting is listed for this many days afterwards. */
export const MISSED_DAYS = 31;
/** Deadlines and planned items this close make a week worth posting. */
export const SOON_DAYS = 7;

/** ISO 8601 week of a local date: `2026-W48` (the week belongs to the year of its Thursday). */
export function isoWeekKey(date: string): string {
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7 + 1;
  const thursday = addDays(date, 4 - weekday);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysUntil(`${thursday.slice(0, 4)}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export interface Week {
  /** Monday 00:00 local. */
  start: Date;
  /** The next Monday 00:00 local (exclusive). */
  end: Date;
  /** Local date of the Monday. */
  monday: string;
  key: string;
}

/** The Monday-to-Sunday week of the org zone that contains `instant`. */
export function weekOf(instant: Date, tz: string): Week {
  const p = localParts(instant, tz);
  const monday = addDays(localDate(instant, tz), 1 - p.weekday);
  const [y, m, d] = monday.split('-').map(Number) as [number, number, number];
  return { start: zonedInstant(y, m, d, 0, 0, tz), end: zonedInstant(y, m, d + 7, 0, 0, tz), monday, key: isoWeekKey(monday) };
}

export interface WeeklySetting {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Local 'HH:MM'. */
  time: string;
}

/** The configured posting moment inside the week of `instant`. */
export function scheduledMoment(instant: Date, tz: string, s: WeeklySetting): Date {
  const [y, m, d] = weekOf(instant, tz).monday.split('-').map(Number) as [number, number, number];
  return zonedInstant(y, m, d + s.weekday - 1, Number(s.time.slice(0, 2)), Number(s.time.slice(3, 5)), tz);
}

/** The first configured moment after `instant` (for telling people when the next summary goes out). */
export function nextMoment(instant: Date, tz: string, s: WeeklySetting): Date {
  const here = scheduledMoment(instant, tz, s);
  return here > instant ? here : scheduledMoment(new Date(weekOf(instant, tz).end.getTime() + 1), tz, s);
}

export interface DueWeek {
  /** ISO week of the moment: the dedupe unit. */
  weekKey: string;
  moment: Date;
  /** What the summary covers: the seven days before the moment, up to the run. */
  from: Date;
  to: Date;
}

/**
 * Whether an hourly run at `now` should post this week's summary: the configured moment of the
 * current week has passed, by no more than the grace period. Dedupe keys make repeats harmless.
 */
export function weeklyDue(now: Date, tz: string, s: WeeklySetting, graceMs = SUMMARY_GRACE_MS): DueWeek | null {
  const moment = scheduledMoment(now, tz, s);
  if (now < moment || now.getTime() >= moment.getTime() + graceMs) return null;
  return { weekKey: weekOf(moment, tz).key, moment, from: new Date(moment.getTime() - 7 * DAY_MS), to: now };
}

/** Part of a whole, or null when there is nothing to divide. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? Math.min(1, Math.max(0, part / whole)) : null;
}

/** `80%`, rounded half up to a whole percent; `—` for no figure. */
export function percent(r: number | null): string {
  return r === null ? '—' : `${Math.floor(r * 100 + 0.5)}%`;
}

/** `████████░░` for 0.8: a chart that renders as text on every platform. */
export function bar(r: number, width = 10): string {
  const full = Math.min(width, Math.max(0, Math.floor(r * width + 0.5)));
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** Bar and percent, or a dash when there is nothing to measure. */
export function rateLine(r: number | null): string {
  return r === null ? '—' : `${bar(r)} ${percent(r)}`;
}

/** Per meeting kind, the earliest held meeting worth reading; kinds left out are not needed. */
export type SinceByKind = Partial<Record<MeetingKind, Date>>;

/**
 * How far back held meetings of each kind must be read for `meetingOutlook`: the current period of
 * the kind's cadence, or the previous one while it counts as recently missed.
 */
export function outlookSince(cadences: Cadences, now: Date, tz: string): SinceByKind {
  const out: SinceByKind = {};
  for (const [kind, cadence] of Object.entries(cadences) as [MeetingKind, Cadences[MeetingKind]][]) {
    if (cadence === 'none') continue;
    const current = periodOf(cadence, now, tz);
    const previous = previousPeriod(current, tz);
    out[kind] = now.getTime() - previous.end.getTime() <= MISSED_DAYS * DAY_MS ? previous.start : current.start;
  }
  return out;
}

/** Per kind, the earlier of two reading limits (a kind in either is kept). */
export function mergeSince(a: SinceByKind, b: SinceByKind): SinceByKind {
  const out: SinceByKind = { ...a };
  for (const [kind, d] of Object.entries(b) as [MeetingKind, Date][]) {
    const had = out[kind];
    out[kind] = had && had < d ? had : d;
  }
  return out;
}

export interface DueItem {
  kind: MeetingKind;
  partyGroupName?: string;
  periodKey: string;
  /** Local date of the period's last day. */
  lastDay: string;
  /** Days from today to the last day (0 = today); negative once missed. */
  daysLeft: number;
}

export interface Outlook {
  /** Not yet held, period ending within DUE_NEXT_DAYS, earliest deadline first. */
  dueNext: DueItem[];
  /** Not held in a period that ended within MISSED_DAYS. */
  missed: DueItem[];
}

function item(e: ComplianceEntry, today: string, tz: string): DueItem {
  const lastDay = addDays(localDate(e.period.end, tz), -1);
  return {
    kind: e.kind, periodKey: e.period.key, lastDay, daysLeft: daysUntil(today, lastDay),
    ...(e.partyGroupName ? { partyGroupName: e.partyGroupName } : {}),
  };
}

/** Meetings due next and recently missed, from held meetings read since `outlookSince`. */
export function meetingOutlook(required: readonly RequiredMeeting[], held: readonly HeldMeeting[], now: Date, tz: string): Outlook {
  const today = localDate(now, tz);
  const entries = compliance(required, held, now, tz);
  const byDeadline = (a: DueItem, b: DueItem) => a.lastDay.localeCompare(b.lastDay);
  return {
    dueNext: entries
      .filter((e) => e.status === 'open' && e.period.end.getTime() - now.getTime() <= DUE_NEXT_DAYS * DAY_MS)
      .map((e) => item(e, today, tz)).sort(byDeadline),
    missed: entries
      .filter((e) => e.status === 'missing' && now.getTime() - e.period.end.getTime() <= MISSED_DAYS * DAY_MS)
      .map((e) => item(e, today, tz)).sort(byDeadline),
  };
}

export interface MonthCompliance {
  /** Required meetings whose period closed with the month. */
  due: number;
  held: number;
  missing: RequiredMeeting[];
}

/** Per kind whose period closes with `month`, that period's start: what `monthCompliance` reads. */
export function closingSince(cadences: Cadences, month: Period, tz: string): SinceByKind {
  const out: SinceByKind = {};
  for (const [kind, cadence] of Object.entries(cadences) as [MeetingKind, Cadences[MeetingKind]][]) {
    if (cadence === 'none') continue;
    const p = periodOf(cadence, month.start, tz);
    if (p.end.getTime() === month.end.getTime()) out[kind] = p.start;
  }
  return out;
}

/**
 * Meeting compliance of a month: of the required meetings whose period ends with the month (every
 * monthly one; quarterly ones in March, June…; yearly ones in December), how many were held.
 */
export function monthCompliance(required: readonly RequiredMeeting[], held: readonly HeldMeeting[], month: Period, tz: string): MonthCompliance {
  const closing = compliance(required, held, month.end, tz, { from: month.start })
    .filter((e) => e.period.end.getTime() === month.end.getTime());
  const missing = closing.filter((e) => e.status !== 'held');
  return {
    due: closing.length,
    held: closing.length - missing.length,
    missing: missing.map(({ period: _p, status: _s, heldAt: _h, ...req }) => req),
  };
}

/** What decides whether a week is worth a group post. */
export interface WeekSignals {
  meetingsHeld: number;
  meetingsPlanned: number;
  talksHeld: number;
  talksUpcoming: number;
  dueNext: readonly Pick<DueItem, 'daysLeft'>[];
  missed: number;
  appealsOverdue: number;
  developmentOverdue: number;
}

/**
 * Nothing is posted for a quiet week: no meeting or talk held or coming up, no deadline within a
 * week, nothing missed or overdue. The dues rate and yearly figures alone are not news.
 */
export function hasNews(s: WeekSignals): boolean {
  return s.meetingsHeld > 0 || s.meetingsPlanned > 0 || s.talksHeld > 0 || s.talksUpcoming > 0
    || s.dueNext.some((d) => d.daysLeft < SOON_DAYS) || s.missed > 0 || s.appealsOverdue > 0 || s.developmentOverdue > 0;
}
