/**
 * 发展党员: the five stages and 25 steps of 《中国共产党发展党员工作细则》 (中办 2014), the checks a step
 * must pass before it is recorded, and the dated obligations the reminder job sends.
 *
 * Dates are calendar dates 'YYYY-MM-DD' in the organisation's zone. "N months (years) after D" is
 * the same day N months later, or that month's last day when it has no such day (2026-01-31 + 1 month
 * = 2026-02-28; 2028-02-29 + 1 year = 2029-02-28), the way 《民法典》第二百零三条 ends a period. The
 * same rule gives the 18th birthday of someone born on 29 February: 28 February of a common year.
 * "以上" includes the number itself, so the anniversary day already counts as "one year".
 */
import type { MemberStatus } from '../bot/roles.ts';
import { addDays, addMonthsToDate, isLocalDate } from './calendar.ts';
import { addWorkingDaysToDate, type DayOverrides } from './workdays.ts';

export type Stage = 1 | 2 | 3 | 4 | 5;

/** Each stage with the status its key step confers. */
export const STAGES: readonly { stage: Stage; name: string; status: MemberStatus }[] = [
  { stage: 1, name: '入党申请', status: '入党申请人' },
  { stage: 2, name: '入党积极分子的确定和培养教育', status: '入党积极分子' },
  { stage: 3, name: '发展对象的确定和考察', status: '发展对象' },
  { stage: 4, name: '预备党员的接收', status: '预备党员' },
  { stage: 5, name: '预备党员的教育考察和转正', status: '正式党员' },
];

/** What users may type for a step, the steps it needs first, the papers it notes, the status it confers. */
export interface DevelopmentStep {
  no: number;
  name: string;
  aliases: readonly string[];
  stage: Stage;
  dependsOn: readonly number[];
  documents: readonly string[];
  movesTo?: MemberStatus;
}

const step = (no: number, name: string, aliases: string[], stage: Stage, dependsOn: number[], documents: string[],
  movesTo?: MemberStatus): DevelopmentStep => ({ no, name, aliases, stage, dependsOn, documents, ...(movesTo && { movesTo }) });

// The person becomes 预备党员 on the 上级党委's approval (⑰), though the 预备期 counts from the 支部大会 (⑮).
export const STEPS: readonly DevelopmentStep[] = [
  step(1, '递交入党申请书', ['递交申请书', '入党申请', '申请入党', '申请书'], 1, [], ['入党申请书'], '入党申请人'),
  step(2, '党组织派人谈话', ['谈话', '派人谈话', '申请人谈话'], 1, [1], ['谈话记录']),
  step(3, '推荐和确定入党积极分子', ['确定积极分子', '推荐积极分子', '确定入党积极分子'], 2, [2], ['推荐材料', '支委会会议记录'], '入党积极分子'),
  step(4, '上级党委备案', ['积极分子备案'], 2, [3], ['入党积极分子备案材料']),
  step(5, '指定培养联系人', ['培养联系人', '指定联系人'], 2, [3], ['培养联系人名单']),
  step(6, '培养教育考察', ['培养考察', '培养教育', '考察'], 2, [5], ['思想汇报', '培养教育考察登记表']),
  step(7, '确定发展对象', ['发展对象', '列为发展对象'], 3, [4, 6], ['支委会会议记录', '党小组和群众意见'], '发展对象'),
  step(8, '报上级党委备案', ['发展对象备案'], 3, [7], ['发展对象备案材料']),
  step(9, '确定入党介绍人', ['介绍人', '入党介绍人'], 3, [7], ['入党介绍人名单']),
  step(10, '进行政治审查', ['政审', '政治审查'], 3, [7], ['政审结论']),
  step(11, '开展集中培训', ['集中培训', '培训'], 3, [7], ['培训结业证明']),
  step(12, '支部委员会审查', ['支委会审查', '支委审查'], 4, [8, 9, 10, 11], ['支委会会议记录']),
  step(13, '上级党委预审', ['预审'], 4, [12], ['预审意见']),
  step(14, '填写入党志愿书', ['志愿书', '入党志愿书', '填写志愿书'], 4, [13], ['入党志愿书']),
  step(15, '支部大会讨论', ['支部大会', '接收预备党员', '支部大会讨论接收'], 4, [14], ['支部大会决议', '会议记录']),
  step(16, '上级党委派人谈话', ['党委谈话', '组织员谈话'], 4, [15], ['谈话记录']),
  step(17, '上级党委审批', ['审批', '党委审批', '审批预备党员'], 4, [16], ['审批意见'], '预备党员'),
  step(18, '再上一级党委组织部门备案', ['组织部门备案', '组织部备案'], 4, [17], ['备案材料']),
  step(19, '编入党支部和党小组', ['编入支部', '编入党小组', '编入党支部'], 5, [17], []),
  step(20, '入党宣誓', ['宣誓'], 5, [17], ['入党宣誓记录']),
  step(21, '继续教育考察', ['教育考察', '预备期考察'], 5, [19], ['思想汇报', '预备党员考察材料']),
  step(22, '提出转正申请', ['转正申请', '递交转正申请'], 5, [20, 21], ['转正申请书']),
  step(23, '支部大会讨论转正', ['转正', '转正讨论', '讨论转正'], 5, [22], ['支部大会决议', '会议记录']),
  step(24, '上级党委审批转正', ['转正审批', '审批转正'], 5, [23], ['审批意见'], '正式党员'),
  step(25, '材料归档', ['归档', '存档'], 5, [24], ['入党申请书', '入党志愿书', '政审结论', '培养教育考察材料', '转正申请书']),
];

// Ongoing work, recorded each time it happens (㉓ may come again only after an extension).
const REPEATABLE = new Set([6, 21]);
const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕';

/** The step a user typed: '15', '第15步', '⑮', its full name or an alias. */
export function findStep(text: string): DevelopmentStep | undefined {
  const t = text.replace(/\s+/g, '');
  const num = /^第?(\d{1,2})步?$/.exec(t)?.[1] ?? ([...CIRCLED].indexOf(t) + 1 || undefined);
  if (num !== undefined) return STEPS[Number(num) - 1];
  return STEPS.find((s) => s.name === t || s.aliases.includes(t));
}

/** A recorded step; on ㉓, extensionMonths means the 支部大会 extended the 预备期 instead of deciding 转正. */
export interface StepRecord { step: number; date: string; extensionMonths?: number }

/** vote.eligible = 正式党员 with voting rights (预备党员 have none); inFavour includes written opinions. */
export interface StepFacts {
  birthDate?: string;
  introducers?: readonly { memberId: string | number; status: MemberStatus }[];
  trainingDays?: number;
  trainingHours?: number;
  vote?: { eligible: number; present: number; inFavour: number };
  extensionMonths?: number;
}

export type StepCheck = { ok: true } | { ok: false; rule: string; message: string };

const XIZE_ALL = '《中国共产党发展党员工作细则》';
const XIZE = (art: string) => `${XIZE_ALL}第${art}条`;
const refuse = (rule: string, message: string): StepCheck => ({ ok: false, rule, message });
const OK: StepCheck = { ok: true };
const DANGZHANG_5 = '《中国共产党章程》第五条';
const label = (no: number) => `第${no}步「${STEPS[no - 1]!.name}」`;

/** The records of one step, oldest first. */
const of = (history: readonly StepRecord[], no: number) =>
  history.filter((r) => r.step === no).sort((a, b) => (a.date < b.date ? -1 : 1));
const latest = (history: readonly StepRecord[], no: number) => of(history, no).at(-1);

/** The last day of the 预备期: one year from ⑮ (细则 Art.32), plus an extension decided at ㉓. */
export function probationEnd(history: readonly StepRecord[]): string | undefined {
  const meeting = latest(history, 15);
  if (!meeting) return undefined;
  const end = addMonthsToDate(meeting.date, 12);
  const ext = history.find((r) => r.step === 23 && r.extensionMonths)?.extensionMonths;
  return ext ? addMonthsToDate(end, ext) : end;
}

/** The status the recorded steps give the person ('群众' before ①). */
export function statusAfter(history: readonly StepRecord[]): MemberStatus {
  const reached = STEPS.filter((s) => s.movesTo && history.some((r) => r.step === s.no));
  return reached.at(-1)?.movesTo ?? '群众';
}

function checkVote(vote: StepFacts['vote'], rule: string): StepCheck {
  if (!vote) return refuse(rule, '请提供表决情况：应到会有表决权的正式党员人数、实到人数和赞成人数。');
  const { eligible, present, inFavour } = vote;
  const counts = [eligible, present, inFavour].every((n) => Number.isInteger(n) && n >= 0);
  if (!counts || eligible < 1 || present > eligible || inFavour > eligible) {
    return refuse(rule, '表决人数有误：实到人数和赞成人数都不能超过应到会有表决权的正式党员人数。');
  }
  if (present * 2 <= eligible) {
    return refuse(XIZE('二十'), '有表决权的到会人数必须超过应到会有表决权人数的半数（预备党员没有表决权）：'
      + `应到${eligible}人，实到${present}人，会议不能表决。`);
  }
  if (inFavour * 2 <= eligible) {
    return refuse(XIZE('二十一'), `赞成人数须超过应到会有表决权的正式党员的半数：应到${eligible}人，赞成${inFavour}人，决议未通过。`);
  }
  return OK;
}

/** Whether `next` may be recorded after `history`; a refusal names the rule it breaks. */
export function validateStep(history: readonly StepRecord[], next: StepRecord, facts: StepFacts = {}): StepCheck {
  const def = STEPS[next.step - 1];
  if (!def || !Number.isInteger(next.step)) return refuse(XIZE_ALL, `没有第${next.step}步：发展党员共25个步骤。`);
  if (!isLocalDate(next.date)) return refuse(XIZE_ALL, `日期「${next.date}」无效，请写成 2026-03-15 的形式。`);
  const done = latest(history, next.step);
  const lastMeeting = latest(history, 23);
  if (done && !(next.step === 23 ? lastMeeting?.extensionMonths : REPEATABLE.has(next.step))) {
    return refuse(XIZE_ALL, `${label(next.step)}已于${done.date}记录，不能重复记录。`);
  }
  for (const dep of def.dependsOn) {
    const first = of(history, dep)[0];
    if (!first) return refuse(XIZE_ALL, `须先完成${label(dep)}，才能进行${label(next.step)}。`);
    if (first.date > next.date) {
      return refuse(XIZE_ALL, `${label(next.step)}的日期（${next.date}）不能早于${label(dep)}的日期（${first.date}）。`);
    }
  }
  switch (next.step) {
    case 1: {
      const birth = facts.birthDate;
      if (!birth || !isLocalDate(birth)) return refuse(XIZE('五'), '请提供申请人的出生日期（如 2008-03-15），以核对是否年满十八岁。');
      const adult = addMonthsToDate(birth, 18 * 12);
      return next.date < adult ? refuse(XIZE('五'), `申请入党须年满十八岁：申请人出生于${birth}，${adult}起方可递交入党申请书。`) : OK;
    }
    case 7: {
      const eligible = addMonthsToDate(latest(history, 3)!.date, 12);
      return next.date < eligible ? refuse(XIZE('十三'), `入党积极分子须经过一年以上培养教育和考察，最早于${eligible}列为发展对象。`) : OK;
    }
    case 9: {
      const list = facts.introducers ?? [];
      if (list.length !== 2) return refuse(DANGZHANG_5, `发展对象应当有两名正式党员作入党介绍人，现为${list.length}名。`);
      if (String(list[0]!.memberId) === String(list[1]!.memberId)) return refuse(DANGZHANG_5, '两名入党介绍人不能是同一人。');
      const wrong = list.find((i) => i.status !== '正式党员');
      return wrong ? refuse(DANGZHANG_5, `入党介绍人须为正式党员，其中一人为${wrong.status}。`) : OK;
    }
    case 11: {
      const { trainingDays: d, trainingHours: h } = facts;
      if (d === undefined && h === undefined) return refuse(XIZE('十七'), '请提供集中培训的天数或学时。');
      if ((d ?? 0) >= 3 || (h ?? 0) >= 24) return OK;
      return refuse(XIZE('十七'), `集中培训一般不少于三天（或不少于二十四个学时），本次为${d !== undefined ? `${d}天` : `${h}学时`}。`);
    }
    case 15:
      return checkVote(facts.vote, XIZE('二十一'));
    case 23: {
      const end = probationEnd(history)!;
      if (next.date < end) return refuse(XIZE('三十二'), `预备期从支部大会通过之日算起，至${end}期满，期满后方可讨论转正。`);
      if (facts.extensionMonths !== undefined) {
        if (lastMeeting?.extensionMonths) return refuse(XIZE('三十二'), '预备期只能延长一次。');
        const m = facts.extensionMonths;
        if (!Number.isInteger(m) || m < 6 || m > 12) {
          return refuse(XIZE('三十二'), `延长预备期不能少于半年，最长不超过一年（6至12个月），现为${m}个月。`);
        }
      }
      return checkVote(facts.vote, XIZE('三十三'));
    }
    case 24: {
      const ext = lastMeeting?.extensionMonths;
      return ext ? refuse(XIZE('三十二'), `支部大会已决定延长预备期${ext}个月，期满后须再次召开支部大会讨论转正。`) : OK;
    }
    default:
      return OK;
  }
}

export type DeadlineKind =
  | 'talk' | 'activist_review' | 'candidate_eligible' | 'approval' | 'probation' | 'public_notice' | 'thought_report';

/**
 * One reminder. `key` is stable for the obligation and its date (prefix it with the person for the
 * outbox dedupe key); `date` is the day the obligation is about, `remindOn` the local day to send.
 */
export interface Deadline {
  key: string;
  kind: DeadlineKind;
  date: string;
  remindOn: string;
  level: 'info' | 'warning' | 'overdue';
  message: string;
  rule: string;
}

/** Field names as in TenantSettings.development; a local rule is off when absent. leadDays defaults to 7. */
export interface DevelopmentSettings {
  publicNoticeWorkingDays?: number;
  thoughtReportCadence?: 'month' | 'quarter';
  overrides?: DayOverrides;
  leadDays?: number;
}

// Where a 公示 follows in local practice (domain.md §4 [local]).
const NOTICE_AFTER = [3, 7, 15, 23];

/**
 * Every pending obligation with its reminders. An obligation with a last-allowed day gets a warning
 * `leadDays` before it and an overdue notice the day after it. `thoughtReports` are the dates the
 * person handed in 思想汇报 (only used with thoughtReportCadence).
 */
export function deadlines(
  history: readonly StepRecord[], settings: DevelopmentSettings = {}, thoughtReports: readonly string[] = [],
): Deadline[] {
  const lead = settings.leadDays ?? 7;
  const out: Deadline[] = [];
  const has = (no: number) => history.some((r) => r.step === no);
  const dateOf = (no: number) => latest(history, no)?.date;
  const add = (key: string, kind: DeadlineKind, date: string, remindOn: string, level: Deadline['level'], rule: string,
    message: string) => out.push({ key, kind, date, remindOn, level, rule, message });
  const due = (key: string, kind: DeadlineKind, date: string, rule: string, soon: string, late: string) => {
    add(`${key}:${date}:soon`, kind, date, addDays(date, -lead), 'warning', rule, soon);
    add(`${key}:${date}:overdue`, kind, date, addDays(date, 1), 'overdue', rule, late);
  };
  const d1 = dateOf(1);
  if (d1 && !has(2)) {
    const date = addMonthsToDate(d1, 1);
    due('talk', 'talk', date, XIZE('七'), `入党申请书于${d1}递交，请于${date}前派人谈话。`,
      `入党申请书于${d1}递交，已超过一个月仍未派人谈话。`);
  }
  const d3 = dateOf(3);
  if (d3 && !has(7)) {
    const last = [d3, ...of(history, 6).map((r) => r.date)].sort().at(-1)!;
    const date = addMonthsToDate(last, 6);
    due('activist-review', 'activist_review', date, XIZE('十一'), `请于${date}前对入党积极分子进行半年一次的考察。`,
      `入党积极分子自${last}起已超过半年未考察。`);
    const eligible = addMonthsToDate(d3, 12);
    add(`candidate-eligible:${eligible}`, 'candidate_eligible', eligible, eligible, 'info', XIZE('十三'),
      `确定为入党积极分子已满一年（${d3}起），经支委会讨论同意并报上级党委备案后可列为发展对象。`);
  }
  const d15 = dateOf(15);
  if (d15 && !has(17)) {
    for (const [months, level, text] of [[3, 'warning', '超过三个月'], [6, 'overdue', '超过六个月的最长期限']] as const) {
      const date = addMonthsToDate(d15, months);
      add(`approval:${months}m:${date}`, 'approval', date, addDays(date, 1), level, XIZE('二十五'),
        `支部大会于${d15}通过接收预备党员，上级党委已${text}未审批。`);
    }
  }
  const end = probationEnd(history);
  if (end && !history.some((r) => r.step === 23 && !r.extensionMonths)) {
    add(`probation-ending:${end}`, 'probation', end, addDays(end, -30), 'warning', XIZE('三十二'),
      `预备期将于${end}期满，请准备召开支部大会讨论转正。`);
    add(`probation-overdue:${end}`, 'probation', end, addDays(end, 1), 'overdue', XIZE('三十二'),
      `预备期已于${end}期满，支部尚未讨论转正，应当及时讨论。`);
  }
  const n = settings.publicNoticeWorkingDays;
  for (const no of n ? NOTICE_AFTER : []) {
    const start = dateOf(no);
    if (!start || has(no + 1)) continue;
    // The notice runs from the decision day itself when that is a working day.
    const last = addWorkingDaysToDate(addDays(start, -1), n!, settings.overrides);
    add(`public-notice:${no}:${last}`, 'public_notice', last, addDays(last, 1), 'info',
      `本单位规定（公示不少于${n}个工作日）`, `「${STEPS[no - 1]!.name}」公示期已于${last}期满，无异议的可进入下一步。`);
  }
  if (settings.thoughtReportCadence && d3 && !has(24)) {
    const every = settings.thoughtReportCadence === 'month' ? '每月' : '每季度';
    const last = [d3, ...thoughtReports].sort().at(-1)!;
    const date = addMonthsToDate(last, every === '每月' ? 1 : 3);
    due('thought-report', 'thought_report', date, `本单位规定（思想汇报${every}一次）`, `请于${date}前提交思想汇报。`,
      `自${last}起未提交思想汇报，已超过本单位规定的${every}一次。`);
  }
  return out;
}

/** Reminders to send on `localDate`; `catchUpDays` also returns the ones a stopped job missed. */
export function dueReminders(list: readonly Deadline[], localDate: string, catchUpDays = 0): Deadline[] {
  const from = addDays(localDate, -catchUpDays);
  return list.filter((d) => d.remindOn >= from && d.remindOn <= localDate);
}
