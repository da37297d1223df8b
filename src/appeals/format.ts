/** How appeals read in chat: labels, deadlines, the handler's card and the timeline. */
import type { appealEvents, appeals } from '../../db/schema/index.ts';
import { formatHandle } from '../anon/index.ts';
import type { Button, CardField, CardReply } from '../bot/types.ts';
import { formatDateTime } from '../bot/time.ts';
import { STATE_LABELS, type AppealState } from '../domain/appeals.ts';
import type { Limits } from './sla.ts';

export type Appeal = typeof appeals.$inferSelect;
export type AppealEvent = typeof appealEvents.$inferSelect;

export const URGENCY_LABELS: Record<string, string> = { normal: '一般', urgent: '紧急' };
export const COMPLEXITY_LABELS: Record<string, string> = { normal: '一般', complex: '复杂' };

export const EVENT_LABELS: Record<string, string> = {
  submit: '提交', accept: '受理', transfer: '转办', return: '退回', ask: '请提交人补充', info: '补充情况',
  resolve: '办结', rate: '评价', reopen: '申请重新办理', close: '归档', escalate: '超时提醒', publish: '公示设置',
};

export const OPEN_STATES: readonly AppealState[] = ['submitted', 'transferred', 'accepted', 'waiting_submitter', 'reopened'];

export function stateLabel(state: string): string {
  return STATE_LABELS[state as AppealState] ?? state;
}

export function isOpen(a: Pick<Appeal, 'state'>): boolean {
  return (OPEN_STATES as readonly string[]).includes(a.state);
}

/** What a handler sees as the submitter: the name, or the handle of an anonymous appeal. */
export function submitterLabel(a: Pick<Appeal, 'anonHandle'>, name: string | null | undefined): string {
  if (a.anonHandle !== null) return formatHandle(a.anonHandle);
  return name ?? '（已离开）';
}

export const when = (d: Date, tz: string) => formatDateTime(d, tz);

const clip = (s: string, n: number) => ([...s].length > n ? `${[...s].slice(0, n).join('')}…` : s);

/** The deadline that currently runs, in words. */
export function deadlineText(a: Appeal, tz: string, now: Date): string {
  const late = (d: Date) => (now > d ? '（已超时）' : '');
  if (a.state === 'submitted' || a.state === 'transferred') return `${when(a.acceptBy, tz)} 前受理${late(a.acceptBy)}`;
  if (a.state === 'waiting_submitter') return '等待提交人补充，办理时限暂停计算';
  if ((a.state === 'accepted' || a.state === 'reopened') && a.resolveBy) return `${when(a.resolveBy, tz)} 前办结${late(a.resolveBy)}`;
  return stateLabel(a.state);
}

export function limitsText(l: Limits, urgency: string): string {
  const accept = urgency === 'urgent' ? `${l.urgentAcceptHours}个工作小时内受理` : `${l.acceptWorkingDays}个工作日内受理`;
  return `${accept}，受理后${l.resolveWorkingDays}个工作日内办结（复杂事项${l.complexResolveWorkingDays}个工作日）`;
}

export function appealFields(a: Appeal, submitter: string, tz: string, now: Date): CardField[] {
  return [
    { label: '编号', value: a.number },
    { label: '类别', value: a.category },
    { label: '提交人', value: submitter },
    { label: '紧急程度', value: URGENCY_LABELS[a.urgency] ?? a.urgency },
    { label: '状态', value: stateLabel(a.state) },
    { label: '时限', value: deadlineText(a, tz, now) },
  ];
}

/** The card a handler gets: the appeal, and 受理 / 转办 / 退回. */
export function handlerCard(a: Appeal, submitter: string, tz: string, now: Date, intro: string): CardReply {
  const anon = a.anonHandle !== null ? '\n\n提交人选择匿名，身份对任何人都不公开；您的答复会由我转给对方。' : '';
  return {
    kind: 'card',
    title: `职工诉求 ${a.number}`,
    tone: a.urgency === 'urgent' ? 'warning' : 'info',
    text: `${intro}\n\n${a.content}${anon}`,
    fields: appealFields(a, submitter, tz, now),
    buttons: handlerButtons(a),
  };
}

/** What the handler can do next, as buttons: 受理 / 转办 / 退回 while waiting for acceptance. */
export function handlerButtons(a: Appeal): Button[] {
  const accept: Button = { label: '受理', command: `诉求 受理 ${a.number}`, style: 'primary' };
  if (a.state === 'reopened') return [accept];
  if (a.state !== 'submitted' && a.state !== 'transferred') return [];
  return [
    accept,
    { label: '转办', command: `诉求 转办 ${a.number}` },
    { label: '退回', command: `诉求 退回 ${a.number}`, style: 'danger' },
  ];
}

/** The rating card the submitter gets on resolution. */
export function ratingCard(a: Appeal, handler: string): CardReply {
  return {
    kind: 'card',
    title: `诉求 ${a.number} 已办结`,
    tone: 'success',
    text: `办理结果（${handler}）：${a.result ?? ''}\n\n请为办理情况打分（1至5分），也可附上意见，例如：**诉求 评价 ${a.number} 5 解决得很及时**。`
      + `\n如问题没有解决，7天内可发送：**诉求 重办 ${a.number} <原因>**。`,
    buttons: [5, 4, 3, 2, 1].map((n) => ({ label: `${n}分`, command: `诉求 评价 ${a.number} ${n}` })),
  };
}

export function timelineText(events: readonly AppealEvent[], tz: string): string {
  return events.map((e) => {
    const note = e.note ? `：${clip(e.note, 200)}` : '';
    return `${when(e.at, tz)} ${EVENT_LABELS[e.action] ?? e.action}（${e.actorLabel}）${note}`;
  }).join('\n');
}
