/** What the daily job sends: each due time limit of each person in development, to their branch's officers. */
import type { CardReply } from '../bot/types.ts';
import { deadlines, dueReminders, type Deadline, type DevelopmentSettings } from '../domain/development.ts';
import { thoughtReportDates, toRecord, type PersonSteps } from './store.ts';

/** Who gets development reminders (细则: the branch committee; the issue names 组织委员 and 书记). */
export const REMINDED_ROLES = ['书记', '组织委员'] as const;

export interface PlannedReminder {
  memberId: number;
  branchId: number;
  deadline: Deadline;
  /** Stable for the person and obligation; the job appends the recipient. */
  key: string;
  reply: CardReply;
}

const TONES = { info: 'info', warning: 'warning', overdue: 'danger' } as const;
const TITLES = { info: '发展党员提示', warning: '发展党员时间节点临近', overdue: '发展党员事项已逾期' } as const;

/** `ref` names the person in the button's command: the 工号 when there is one, so namesakes do not clash. */
export function reminderCard(name: string, status: string, d: Deadline, ref = name): CardReply {
  return {
    kind: 'card',
    title: `${TITLES[d.level]} · ${name}`,
    tone: TONES[d.level],
    text: `**${name}**（${status}）\n${d.message}\n依据：${d.rule}`,
    buttons: [{ label: '查看发展记录', command: `发展 ${ref}` }],
  };
}

/**
 * The reminders due on `today` (and the `catchUpDays` before it, for a job that did not run), for
 * people who belong to a branch. Pure: the job only loads and enqueues.
 */
export function planReminders(
  people: readonly PersonSteps[], settings: DevelopmentSettings, today: string, catchUpDays: number,
): PlannedReminder[] {
  const out: PlannedReminder[] = [];
  for (const { member, steps } of people) {
    if (member.branchId === null || !steps.length) continue;
    const list = deadlines(steps.map(toRecord), settings, thoughtReportDates(steps));
    for (const d of dueReminders(list, today, catchUpDays)) {
      out.push({
        memberId: member.id, branchId: member.branchId, deadline: d,
        key: `development:${member.id}:${d.key}`, reply: reminderCard(member.name, member.status, d, member.employeeNo ?? member.name),
      });
    }
  }
  return out;
}
