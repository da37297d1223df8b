/** How steps, their facts and obligations read in replies, reminders and the ledger. */
import type { StepDetails } from '../../db/schema/development.ts';
import { MEMBER_STATUSES, type MemberStatus } from '../bot/roles.ts';
import { STEPS, type Deadline, type DeadlineKind, type StepRecord } from '../domain/development.ts';

const CIRCLED = [...'①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕'];

/** `⑮支部大会讨论` */
export function stepLabel(no: number): string {
  return `${CIRCLED[no - 1] ?? `第${no}步`}${STEPS[no - 1]?.name ?? ''}`;
}

export function circled(no: number): string {
  return CIRCLED[no - 1] ?? String(no);
}

/** Later statuses rank higher; a step never moves a person back. */
export function statusRank(status: string): number {
  return MEMBER_STATUSES.indexOf(status as MemberStatus);
}

/** `介绍人：张三、李四；表决：应到9人，实到7人，赞成6人` — empty when the step carried no facts. */
export function detailsText(d: StepDetails): string {
  const parts: string[] = [];
  if (d.introducers?.length) parts.push(`介绍人：${d.introducers.map((i) => i.name).join('、')}`);
  if (d.trainingDays !== undefined) parts.push(`培训：${d.trainingDays}天`);
  if (d.trainingHours !== undefined) parts.push(`培训：${d.trainingHours}学时`);
  if (d.vote) parts.push(`表决：应到${d.vote.eligible}人，实到${d.vote.present}人，赞成${d.vote.inFavour}人`);
  if (d.extensionMonths) parts.push(`延长预备期${d.extensionMonths}个月`);
  return parts.join('；');
}

/** Steps whose prerequisites are met and that are not yet recorded, in order. */
export function nextSteps(history: readonly StepRecord[]): number[] {
  const done = new Set(history.map((r) => r.step));
  const extended = history.some((r) => r.step === 23 && r.extensionMonths)
    && !history.some((r) => r.step === 23 && !r.extensionMonths);
  // After an extension only a second 支部大会 can decide 转正; ㉔ waits for it.
  return STEPS.filter((s) => (!done.has(s.no) || (s.no === 23 && extended)) && !(s.no === 24 && extended)
    && s.dependsOn.every((d) => done.has(d))).map((s) => s.no);
}

const KIND_LABELS: Record<DeadlineKind, string> = {
  talk: '派人谈话',
  activist_review: '入党积极分子半年考察',
  candidate_eligible: '可列为发展对象',
  approval: '上级党委审批',
  probation: '预备期满，讨论转正',
  public_notice: '公示期满',
  thought_report: '提交思想汇报',
};

/** One open obligation as shown to officers: reminded ones by their message, upcoming ones by date. */
export interface Obligation {
  date: string;
  text: string;
  level: Deadline['level'] | 'upcoming';
}

/**
 * The person's open obligations on `today`, one per obligation: the latest reminder already due
 * (a warning, or the overdue notice once the day has passed), else the coming date.
 */
export function obligations(list: readonly Deadline[], today: string): Obligation[] {
  const groups = new Map<string, Deadline[]>();
  for (const d of list) {
    const id = `${d.kind}:${d.date}`;
    groups.set(id, [...(groups.get(id) ?? []), d]);
  }
  const out: Obligation[] = [];
  for (const group of groups.values()) {
    const due = group.filter((d) => d.remindOn <= today).sort((a, b) => (a.remindOn < b.remindOn ? -1 : 1)).at(-1);
    const first = group[0]!;
    if (due) out.push({ date: due.date, text: due.message, level: due.level });
    else out.push({ date: first.date, text: `${first.date}　${KIND_LABELS[first.kind]}`, level: 'upcoming' });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

export const LEVEL_MARK: Record<Obligation['level'], string> = { overdue: '【逾期】', warning: '【临近】', info: '【提示】', upcoming: '' };
