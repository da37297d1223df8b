/** 三会一课 and the other organisational life a branch owes, per 支部工作条例（试行）. */
import {
  DEFAULT_TZ, addMonthsToDate, daysUntil, isLocalDate, localDate, nextPeriod, periodOf, previousPeriod,
  type Period, type PeriodKind,
} from './calendar.ts';

export const MEETING_KINDS = ['支部党员大会', '支部委员会', '党小组会', '党课', '主题党日', '组织生活会', '民主评议党员'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

/** How users name the meeting in text (the kind `支部委员会` is the 支部委员会会议). */
export const MEETING_LABELS: Record<MeetingKind, string> = {
  支部党员大会: '支部党员大会',
  支部委员会: '支部委员会会议',
  党小组会: '党小组会',
  党课: '党课',
  主题党日: '主题党日',
  组织生活会: '组织生活会',
  民主评议党员: '民主评议党员',
};

/** Short names users type, plus full names and the common 支部大会. */
const ALIASES: Record<string, MeetingKind> = {
  党员大会: '支部党员大会',
  支部大会: '支部党员大会',
  支委会: '支部委员会',
  支委会议: '支部委员会',
  支部委员会会议: '支部委员会',
  小组会: '党小组会',
  民主评议: '民主评议党员',
};

export function meetingKindOf(text: string): MeetingKind | undefined {
  const t = text.trim();
  if ((MEETING_KINDS as readonly string[]).includes(t)) return t as MeetingKind;
  return ALIASES[t];
}

/** 'none' lets a tenant stop tracking a kind it records elsewhere. */
export type Cadence = PeriodKind | 'none';
export type Cadences = Record<MeetingKind, Cadence>;

export const defaultCadences: Readonly<Cadences> = Object.freeze({
  支部党员大会: 'quarter', // 支部条例 Art.14: 一般每季度1次
  支部委员会: 'month', // 支部条例 Art.14: 一般每月1次
  党小组会: 'month', // 支部条例 Art.14: 一般每月1次
  党课: 'quarter', // local rule, not in 支部条例 (Art.16 only says 按期); domain.md §1
  主题党日: 'month', // 支部条例 Art.16: 每月相对固定1天
  组织生活会: 'year', // 支部条例 Art.17: 每年至少1次, 一般在第四季度
  民主评议党员: 'year', // 支部条例 Art.18: 一般每年1次
});

/** 支部条例 Ch.6: a 支部委员会 is set up only from 7 正式党员; below that there is only a 书记. */
export const COMMITTEE_MIN_FULL_MEMBERS = 7;

type Id = number | string;

export interface BranchShape {
  fullMemberCount: number;
  partyGroups: readonly { id: Id; name: string }[];
}

export interface RequiredMeeting {
  kind: MeetingKind;
  cadence: PeriodKind;
  /** Set for 党小组会: each 党小组 owes its own. */
  partyGroupId?: Id;
  partyGroupName?: string;
}

export function requiredMeetings(branch: BranchShape, cadences: Cadences = defaultCadences): RequiredMeeting[] {
  const out: RequiredMeeting[] = [];
  for (const kind of MEETING_KINDS) {
    const cadence = cadences[kind];
    if (cadence === 'none') continue;
    if (kind === '支部委员会' && branch.fullMemberCount < COMMITTEE_MIN_FULL_MEMBERS) continue;
    if (kind === '党小组会') {
      for (const g of branch.partyGroups) out.push({ kind, cadence, partyGroupId: g.id, partyGroupName: g.name });
      continue;
    }
    out.push({ kind, cadence });
  }
  return out;
}

export interface HeldMeeting {
  kind: MeetingKind;
  partyGroupId?: Id | null;
  heldAt: Date;
}

export type ComplianceStatus = 'held' | 'missing' | 'open';

export interface ComplianceEntry extends RequiredMeeting {
  period: Period;
  status: ComplianceStatus;
  /** Earliest meeting that satisfied the period. */
  heldAt?: Date;
}

/**
 * Status of each required meeting in each period, from the previous period through the current
 * one, or from the period containing `opts.from` when given. Meetings dated after `now` are
 * planned, not held, and do not count.
 */
export function compliance(
  required: readonly RequiredMeeting[],
  held: readonly HeldMeeting[],
  now: Date,
  tz: string = DEFAULT_TZ,
  opts: { from?: Date } = {},
): ComplianceEntry[] {
  const out: ComplianceEntry[] = [];
  for (const req of required) {
    const current = periodOf(req.cadence, now, tz);
    let period = opts.from && opts.from < now ? periodOf(req.cadence, opts.from, tz) : previousPeriod(current, tz);
    for (; period.start <= current.start; period = nextPeriod(period, tz)) {
      const p = period;
      const matches = held
        .filter((h) => h.kind === req.kind
          && (req.partyGroupId === undefined || String(h.partyGroupId) === String(req.partyGroupId))
          && h.heldAt >= p.start && h.heldAt < p.end && h.heldAt <= now)
        .sort((a, b) => a.heldAt.getTime() - b.heldAt.getTime());
      const first = matches[0];
      const status: ComplianceStatus = first ? 'held' : now < p.end ? 'open' : 'missing';
      out.push({ ...req, period: p, status, ...(first ? { heldAt: first.heldAt } : {}) });
    }
  }
  return out;
}

export type ReminderStage = `${number}d` | 'missed';

export interface MeetingReminder {
  key: string;
  kind: MeetingKind;
  partyGroupId?: Id;
  partyGroupName?: string;
  periodKey: string;
  stage: ReminderStage;
  /** Days left in the period including the reminder day; 0 for 'missed'. */
  daysLeft: number;
}

/** Default days before a period ends to remind the secretary; a tenant setting overrides it. */
export const DEFAULT_REMINDER_DAYS: readonly number[] = [7, 2];

/**
 * Reminders due on one local date. "n days before the period ends" is the local date n days
 * before the day after the period (the 7-day reminder for Q1 is on 03-25, 7 days left counting
 * that day); 'missed' is due on the first day of the next period.
 */
export function deadlineReminders(input: {
  branchId: Id;
  compliance: readonly ComplianceEntry[];
  date: string;
  tz?: string;
  offsets?: readonly number[];
}): MeetingReminder[] {
  const tz = input.tz ?? DEFAULT_TZ;
  const offsets = input.offsets ?? DEFAULT_REMINDER_DAYS;
  const out: MeetingReminder[] = [];
  for (const e of input.compliance) {
    const endDate = localDate(e.period.end, tz);
    const startDate = localDate(e.period.start, tz);
    let stage: ReminderStage | undefined;
    if (e.status === 'missing' && input.date === endDate) stage = 'missed';
    if (e.status === 'open') {
      const n = daysUntil(input.date, endDate);
      if (offsets.includes(n) && daysUntil(startDate, input.date) >= 0) stage = `${n}d`;
    }
    if (!stage) continue;
    const group = e.partyGroupId === undefined ? '' : String(e.partyGroupId);
    out.push({
      key: `meeting-due:${input.branchId}:${e.kind}:${group}:${e.period.key}:${stage}`,
      kind: e.kind,
      ...(e.partyGroupId === undefined ? {} : { partyGroupId: e.partyGroupId, partyGroupName: e.partyGroupName }),
      periodKey: e.period.key,
      stage,
      daysLeft: stage === 'missed' ? 0 : daysUntil(input.date, endDate),
    });
  }
  return out;
}

export interface QuorumResult {
  quorate: boolean;
  passed?: boolean;
  /** Least number present for the vote to proceed, and least votes in favour to pass. */
  needed: number;
}

function assertCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/**
 * 支部条例 Art.11: a vote needs more than half of the 正式党员 with voting rights present, and
 * passes with more than half of those who should attend (not of those present). `inFavour` may
 * exceed `present`: written opinions of absent members count (细则, 接收预备党员).
 */
export function quorum(input: { eligibleVoters: number; present: number; inFavour?: number }): QuorumResult {
  const { eligibleVoters, present, inFavour } = input;
  assertCount('eligibleVoters', eligibleVoters);
  assertCount('present', present);
  if (present > eligibleVoters) throw new RangeError('present exceeds eligibleVoters');
  const needed = Math.floor(eligibleVoters / 2) + 1;
  const quorate = eligibleVoters > 0 && present >= needed;
  if (inFavour === undefined) return { quorate, needed };
  assertCount('inFavour', inFavour);
  if (inFavour > eligibleVoters) throw new RangeError('inFavour exceeds eligibleVoters');
  return { quorate, passed: quorate && inFavour >= needed, needed };
}

/**
 * Voters counted for quorum: 正式党员 only. 预备党员 and members under 留党察看 have no vote
 * (选举条例 Art.5), so they are excluded.
 */
export function countEligibleVoters(members: readonly { status: string; votingSuspended?: boolean }[]): number {
  return members.filter((m) => m.status === '正式党员' && !m.votingSuspended).length;
}

export type TermStage = '6m' | '1m';

export interface TermReminder {
  key: string;
  stage: TermStage;
  termEnd: string;
}

/**
 * 换届 reminders: 6 months before the term ends (the upper level's usual notice, domain.md §2)
 * and 1 month before (the branch's own 请示, local practice). Due on the exact local date.
 */
export function termReminders(termEnd: string, date: string, branchId: Id = ''): TermReminder[] {
  if (!isLocalDate(termEnd) || !isLocalDate(date)) return [];
  const stages: [TermStage, number][] = [['6m', -6], ['1m', -1]];
  return stages
    .filter(([, months]) => addMonthsToDate(termEnd, months) === date)
    .map(([stage]) => ({ key: `term-due:${branchId}:${termEnd}:${stage}`, stage, termEnd }));
}
