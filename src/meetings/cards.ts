/** The cards meeting commands and jobs send. */
import type { Button, CardField, CardReply } from '../bot/types.ts';
import { formatDateTime } from '../bot/time.ts';
import type { MeetingKind } from '../domain/meetings.ts';
import { absentList, meetingTitle, shortWhen, whenLabel } from './format.ts';
import type { MeetingRecord, MeetingRow, ResponseRow } from './store.ts';

/** 法定人数 and 表决 lines of a 党员大会 record. */
export function voteLines(r: Pick<MeetingRow, 'eligibleVoters' | 'presentVoters' | 'quorate' | 'voteItem' | 'inFavour' | 'passed'>): CardField[] {
  if (r.eligibleVoters === null) return [];
  const fields: CardField[] = [{
    label: '法定人数',
    value: `有表决权的正式党员 ${r.eligibleVoters} 人，到会 ${r.presentVoters ?? 0} 人，`
      + (r.quorate ? '超过半数，会议有效' : '未超过半数，不能进行表决'),
  }];
  if (r.voteItem !== null) {
    const needed = Math.floor(r.eligibleVoters / 2) + 1;
    fields.push({
      label: '表决',
      value: `“${r.voteItem}”：赞成 ${r.inFavour ?? 0} 票（须超过应到会有表决权党员的半数，即至少 ${needed} 票），`
        + (r.passed ? '通过' : r.quorate ? '未通过' : '到会人数不足，表决无效'),
    });
  }
  return fields;
}

export function recordCard(r: MeetingRecord, tz: string, title = '会议记录'): CardReply {
  const present = r.attendance.filter((a) => a.present).length;
  const fields: CardField[] = [
    { label: '编号', value: String(r.id) },
    { label: '时间', value: whenLabel(r.heldAt, tz) },
    { label: '地点', value: r.place ?? '未填写' },
    { label: '主题', value: r.topic ?? '未填写' },
    { label: '主持人', value: r.hostName ?? '未填写' },
    { label: '记录人', value: r.recorderName ?? '未填写' },
    { label: '出席', value: `应到 ${r.attendance.length} 人，实到 ${present} 人` },
    { label: '缺席', value: absentList(r.attendance.filter((a) => !a.present)) },
  ];
  if (r.decisions) fields.push({ label: '决议', value: r.decisions });
  fields.push(...voteLines(r));
  return {
    kind: 'card', title: `${title} · ${meetingTitle(r.kind, r.groupName)}`, tone: r.quorate === false ? 'warning' : 'success', fields,
  };
}

export const answerButtons = (id: number): Button[] => [
  { label: '参加', command: `会议 回复 ${id} 参加`, style: 'primary' },
  { label: '请假', command: `会议 回复 ${id} 请假` },
];

interface NoticeInfo {
  id: number;
  kind: MeetingKind;
  groupName: string | null;
  heldAt: Date;
  place: string | null;
  topic: string | null;
  hostName: string | null;
}

function noticeFields(m: NoticeInfo, tz: string): CardField[] {
  const fields: CardField[] = [{ label: '时间', value: whenLabel(m.heldAt, tz) }];
  if (m.place) fields.push({ label: '地点', value: m.place });
  if (m.topic) fields.push({ label: '主题', value: m.topic });
  if (m.hostName) fields.push({ label: '主持人', value: m.hostName });
  return fields;
}

export function noticeCard(m: NoticeInfo, branchName: string, tz: string): CardReply {
  return {
    kind: 'card', title: `会议通知 · ${meetingTitle(m.kind, m.groupName)}`, tone: 'info',
    text: `${branchName}定于 ${shortWhen(m.heldAt, tz)} 召开${meetingTitle(m.kind, m.groupName)}，请回复是否参加；不能参加的请点“请假”并说明原因。`,
    fields: noticeFields(m, tz),
    buttons: answerButtons(m.id),
  };
}

export function reminderCard(m: NoticeInfo, stage: '1d' | '1h', answered: boolean, tz: string): CardReply {
  const when = stage === '1h' ? `1小时后（${formatDateTime(m.heldAt, tz).slice(11)}）` : shortWhen(m.heldAt, tz);
  return {
    kind: 'card', title: `会议提醒 · ${meetingTitle(m.kind, m.groupName)}`, tone: 'info',
    text: `${meetingTitle(m.kind, m.groupName)}将于${when}召开${m.place ? `，地点：${m.place}` : ''}。`
      + (answered ? '' : '如不能参加，请点“请假”。'),
    fields: noticeFields(m, tz),
    ...(answered ? {} : { buttons: answerButtons(m.id) }),
  };
}

export function cancelCard(m: NoticeInfo, reason: string | null, tz: string): CardReply {
  return {
    kind: 'card', title: `会议取消 · ${meetingTitle(m.kind, m.groupName)}`, tone: 'warning',
    text: `原定 ${shortWhen(m.heldAt, tz)} 召开的${meetingTitle(m.kind, m.groupName)}取消。${reason ? `原因：${reason}。` : ''}`,
  };
}

/** A planned (or cancelled) meeting with the answers to its notice, for whoever organises it. */
export function plannedCard(r: MeetingRecord, responses: readonly ResponseRow[], tz: string): CardReply {
  if (r.status === 'cancelled') return cancelCard(r, r.cancelReason, tz);
  const invited = new Set(r.attendance.map((a) => a.memberId));
  const answered = responses.filter((x) => invited.has(x.memberId));
  const going = answered.filter((x) => x.answer === '参加').map((x) => x.name);
  const leave = answered.filter((x) => x.answer === '请假').map((x) => ({ name: x.name, absenceReason: x.reason }));
  return {
    kind: 'card', title: `会议通知 · ${meetingTitle(r.kind, r.groupName)}`, tone: 'info',
    text: `会后请发送“会议 登记 ${r.id}”登记会议记录（请假的人员自动记为缺席）。`,
    fields: [
      { label: '编号', value: String(r.id) },
      ...noticeFields(r, tz),
      { label: '通知', value: `${r.attendance.length} 人` },
      { label: '参加', value: going.length ? `${going.length} 人：${going.join('、')}` : '0 人' },
      { label: '请假', value: leave.length ? `${leave.length} 人：${absentList(leave)}` : '0 人' },
      { label: '未回复', value: `${r.attendance.length - answered.length} 人` },
    ],
  };
}
