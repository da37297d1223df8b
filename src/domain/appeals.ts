/**
 * 职工诉求 (接诉即办): the appeal's life cycle, its SLA clock in working time, escalation, tracking
 * numbers and the 问题台账 word count. 国企条例 asks the branch to 推动解决职工群众合理诉求; the time
 * limits themselves are local practice (domain.md §6), so they come from tenant settings.
 */
import { DEFAULT_TZ } from './calendar.ts';
import {
  DEFAULT_WORKING_HOURS, addWorkingDays, workingDeadline, type DayOverrides, type Pause, type WorkingHours,
} from './workdays.ts';

export type AppealState =
  | 'submitted' | 'accepted' | 'waiting_submitter' | 'resolved' | 'closed' | 'reopened' | 'transferred' | 'returned';

export type AppealAction =
  | { type: 'accept' }
  | { type: 'transfer'; to: string; reason: string }
  | { type: 'return'; reason: string }
  | { type: 'ask_submitter' }
  | { type: 'submitter_replied' }
  | { type: 'resolve' }
  | { type: 'close' }
  | { type: 'reopen'; resolvedAt: Date; now: Date };

export const STATE_LABELS: Readonly<Record<AppealState, string>> = {
  submitted: '待受理',
  accepted: '办理中',
  waiting_submitter: '待提交人补充',
  resolved: '已办结',
  closed: '已关闭',
  reopened: '已重新打开',
  transferred: '已转办',
  returned: '已退回',
};

const ACTION_LABELS: Readonly<Record<AppealAction['type'], string>> = {
  accept: '受理',
  transfer: '转办',
  return: '退回',
  ask_submitter: '请提交人补充',
  submitter_replied: '提交人已补充',
  resolve: '办结',
  close: '关闭',
  reopen: '重新打开',
};

// A transferred appeal waits for the new handler exactly as a new one does. Resolving while waiting
// for the submitter is allowed so an appeal whose submitter never answers can still be concluded.
const MOVES: Readonly<Record<AppealAction['type'], Partial<Record<AppealState, AppealState>>>> = {
  accept: { submitted: 'accepted', transferred: 'accepted', reopened: 'accepted' },
  transfer: { submitted: 'transferred', transferred: 'transferred' },
  return: { submitted: 'returned', transferred: 'returned' },
  ask_submitter: { accepted: 'waiting_submitter' },
  submitter_replied: { waiting_submitter: 'accepted' },
  resolve: { accepted: 'resolved', waiting_submitter: 'resolved' },
  close: { resolved: 'closed' },
  reopen: { resolved: 'reopened' },
};

export const REOPEN_DAYS = 7;

export type TransitionResult = { ok: true; state: AppealState } | { ok: false; message: string };

export function transition(state: AppealState, action: AppealAction): TransitionResult {
  const next = MOVES[action.type][state];
  if (!next) {
    const possible = (Object.keys(MOVES) as AppealAction['type'][])
      .filter((t) => MOVES[t][state])
      .map((t) => ACTION_LABELS[t]);
    const hint = possible.length ? `当前可以：${possible.join('、')}。` : '该诉求已结束，不能再操作。';
    return { ok: false, message: `诉求${STATE_LABELS[state]}，不能${ACTION_LABELS[action.type]}。${hint}` };
  }
  if (action.type === 'transfer' && (!action.to.trim() || !action.reason.trim())) {
    return { ok: false, message: '转办须写明接收人和转办原因。' };
  }
  if (action.type === 'return' && !action.reason.trim()) {
    return { ok: false, message: '退回须写明原因，提交人会看到这一说明。' };
  }
  if (action.type === 'reopen' && !canReopen(action.resolvedAt, action.now)) {
    return { ok: false, message: `办结已超过${REOPEN_DAYS}天，不能重新打开；如问题仍未解决，请重新提交诉求。` };
  }
  return { ok: true, state: next };
}

/** Within 7 × 24 hours of the resolution, the last instant included. */
export function canReopen(resolvedAt: Date, now: Date): boolean {
  const since = now.getTime() - resolvedAt.getTime();
  return since >= 0 && since <= REOPEN_DAYS * 86_400_000;
}

/** Same shape as TenantSettings.appealDeadlines; urgentAcceptHours are working hours. */
export interface SlaSettings {
  acceptWorkingDays: number;
  urgentAcceptHours: number;
  resolveWorkingDays: number;
  complexResolveWorkingDays: number;
  /** Working days after a missed deadline before 上级 admins are told as well. */
  escalateParentAfterWorkingDays: number;
  workingHours: WorkingHours;
}

export const DEFAULT_SLA: Readonly<SlaSettings> = Object.freeze({
  acceptWorkingDays: 1,
  urgentAcceptHours: 2,
  resolveWorkingDays: 7,
  complexResolveWorkingDays: 15,
  escalateParentAfterWorkingDays: 1,
  workingHours: DEFAULT_WORKING_HOURS,
});

export interface SlaInput {
  submittedAt: Date;
  /** For a reopened appeal, the instant it was reopened: the resolve clock starts again from there. */
  acceptedAt?: Date;
  urgency: 'normal' | 'urgent';
  complexity: 'normal' | 'complex';
  /** Waiting for the submitter (waiting_submitter); they stop the resolve clock only. */
  pauses?: readonly Pause[];
  settings?: Partial<SlaSettings>;
  tz?: string;
  overrides?: DayOverrides;
}

export interface SlaDeadlines {
  acceptBy: Date;
  /** Null before acceptance (the limit counts from 受理) and while an open pause holds the clock. */
  resolveBy: Date | null;
}

/**
 * Acceptance counts from submission, and a transfer does not restart it. Resolution counts from
 * acceptance, as 《信访工作条例》 counts 办理期限 自受理之日起.
 */
export function slaDeadlines(input: SlaInput): SlaDeadlines {
  const s = { ...DEFAULT_SLA, ...input.settings };
  const opts = { tz: input.tz ?? DEFAULT_TZ, overrides: input.overrides ?? {}, hours: s.workingHours };
  const acceptBy = workingDeadline(
    input.submittedAt,
    input.urgency === 'urgent' ? { workingHours: s.urgentAcceptHours } : { workingDays: s.acceptWorkingDays },
    opts,
  ) as Date;
  const days = input.complexity === 'complex' ? s.complexResolveWorkingDays : s.resolveWorkingDays;
  const resolveBy = input.acceptedAt
    ? workingDeadline(input.acceptedAt, { workingDays: days }, { ...opts, pauses: input.pauses ?? [] })
    : null;
  return { acceptBy, resolveBy };
}

export type EscalationLevel = 'secretary' | 'parent_admins';
export type EscalationKey = `${'accept' | 'resolve'}:${EscalationLevel}`;

export interface Escalation {
  clock: 'accept' | 'resolve';
  level: EscalationLevel;
  /** Stable per appeal; use it in the outbox dedupe key and pass it back in `sent`. */
  key: EscalationKey;
  deadline: Date;
}

export interface OverdueInput {
  state: AppealState;
  deadlines: SlaDeadlines;
  now: Date;
  /** Escalations already sent for this appeal. */
  sent: readonly EscalationKey[];
  settings?: Partial<SlaSettings>;
  tz?: string;
  overrides?: DayOverrides;
}

/**
 * The next escalation due, or null. The secretary is told once the deadline has passed; 上级 admins
 * once it is still missed `escalateParentAfterWorkingDays` later, and only after the secretary.
 * Waiting for the submitter, resolved, closed and returned appeals are never overdue.
 */
export function overdue(input: OverdueInput): Escalation | null {
  const clock = input.state === 'submitted' || input.state === 'transferred' ? 'accept'
    : input.state === 'accepted' || input.state === 'reopened' ? 'resolve' : null;
  if (!clock) return null;
  const deadline = clock === 'accept' ? input.deadlines.acceptBy : input.deadlines.resolveBy;
  if (!deadline || input.now <= deadline) return null;
  const secretary: EscalationKey = `${clock}:secretary`;
  if (!input.sent.includes(secretary)) return { clock, level: 'secretary', key: secretary, deadline };
  const parent: EscalationKey = `${clock}:parent_admins`;
  const after = input.settings?.escalateParentAfterWorkingDays ?? DEFAULT_SLA.escalateParentAfterWorkingDays;
  const parentAt = addWorkingDays(deadline, after, input.tz ?? DEFAULT_TZ, input.overrides ?? {});
  if (input.now > parentAt && !input.sent.includes(parent)) return { clock, level: 'parent_admins', key: parent, deadline };
  return null;
}

/** 'SQ-2026-0001'; the sequence widens past 9999 rather than wrapping. */
export function trackingNumber(year: number, seq: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`Bad year: ${year}`);
  if (!Number.isInteger(seq) || seq < 1) throw new RangeError(`Bad sequence: ${seq}`);
  return `SQ-${year}-${String(seq).padStart(4, '0')}`;
}

export function ratingValid(rating: unknown): rating is 1 | 2 | 3 | 4 | 5 {
  return typeof rating === 'number' && Number.isInteger(rating) && rating >= 1 && rating <= 5;
}

// Words that say nothing about the problem itself; a term containing one is not counted.
const STOP_WORDS = [
  '我们', '你们', '他们', '自己', '这个', '那个', '一个', '一些', '没有', '什么', '怎么', '为什么', '因为',
  '所以', '但是', '如果', '可以', '能否', '希望', '问题', '情况', '请问', '谢谢', '已经', '还是', '就是',
  '现在', '目前', '反映', '诉求', '建议', '一下', '非常', '比较', '有关', '相关', '进行', '这样', '时候',
  '不是', '还有', '需要', '解决', '麻烦', '领导', '大家', '经常', '一直', '总是',
];
// Particles and pronouns: never part of a term. Weak characters: not at either end of one.
const NEVER = new Set('的了吗呢吧啊呀哦嘛和与或是在我你他她它们这那很都也就又还把被给让请');
const NOT_AT_EDGE = new Set('有不没个要会能想说等将从向对里上下中到得着过');

function isTerm(t: string): boolean {
  if ([...t].some((c) => NEVER.has(c))) return false;
  if (NOT_AT_EDGE.has(t[0]!) || NOT_AT_EDGE.has(t.at(-1)!)) return false;
  return !STOP_WORDS.some((w) => t.includes(w));
}

export interface RecurringTerm {
  term: string;
  /** Number of appeals that mention it (an appeal repeating a word counts once). */
  count: number;
}

/** Every substring of 2 to `max` characters. */
function grams(chars: readonly string[], max: number): string[] {
  const out: string[] = [];
  for (let n = 2; n <= max; n++) for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
  return out;
}

/**
 * The most frequent 2–4 character Chinese terms across appeal texts, for the 问题台账. Plain n-gram
 * counting: a shorter term is dropped when a longer one containing it has the same count, so
 * "食堂饭菜" does not also produce "食堂饭" and "堂饭菜".
 */
export function recurringWords(texts: readonly string[], opts: { limit?: number; minCount?: number } = {}): RecurringTerm[] {
  const { limit = 10, minCount = 2 } = opts;
  const counts = new Map<string, number>();
  for (const text of texts) {
    const seen = new Set((text.match(/\p{Script=Han}+/gu) ?? []).flatMap((run) => grams([...run], 4)).filter(isTerm));
    for (const t of seen) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const frequent = [...counts].filter(([, c]) => c >= minCount);
  const subsumed = new Set(frequent.flatMap(([u, c]) => grams([...u], [...u].length - 1).filter((t) => counts.get(t) === c)));
  return frequent
    .filter(([t]) => !subsumed.has(t))
    .sort(([a, x], [b, y]) => y - x || [...b].length - [...a].length || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([term, count]) => ({ term, count }));
}
