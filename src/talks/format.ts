/** How talks read in chat: times, one-line summaries and the cards sent to the two people. */
import type { CardField, CardReply } from '../bot/types.ts';
import { wallClock, WEEKDAYS_ZH } from '../bot/time.ts';
import { STATUS_LABELS, type TalkStatus } from './rules.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** `12月9日（周三）15:00`, with the year when it is not the current one. */
export function formatWhen(at: Date, now: Date, tz: string): string {
  const w = wallClock(at, tz);
  const year = w.y === wallClock(now, tz).y ? '' : `${w.y}年`;
  return `${year}${w.m}月${w.d}日（${WEEKDAYS_ZH[w.weekday - 1]}）${formatClock(at, tz)}`;
}

/** `15:00` */
export function formatClock(at: Date, tz: string): string {
  const w = wallClock(at, tz);
  return `${pad(w.hh)}:${pad(w.mi)}`;
}

export interface TalkSummary {
  id: number;
  status: string;
  scheduledAt: Date | null;
  proposedAt?: Date | null;
  place: string | null;
  reason: string | null;
  mustTalk: boolean;
  hostName: string;
  guestName: string;
}

export function statusLabel(status: string): string {
  return STATUS_LABELS[status as TalkStatus] ?? status;
}

export function reasonText(t: Pick<TalkSummary, 'reason' | 'mustTalk'>): string | undefined {
  if (!t.reason) return undefined;
  return t.mustTalk ? `${t.reason}（必谈）` : t.reason;
}

/** 时间 / 地点 / 事由 / 编号 fields, skipping what is not set. */
export function talkFields(t: TalkSummary, now: Date, tz: string): CardField[] {
  const fields: CardField[] = [];
  fields.push({ label: '时间', value: t.scheduledAt ? formatWhen(t.scheduledAt, now, tz) : '待定' });
  if (t.place) fields.push({ label: '地点', value: t.place });
  const reason = reasonText(t);
  if (reason) fields.push({ label: '事由', value: reason });
  fields.push({ label: '编号', value: `#${t.id}` });
  return fields;
}

/** The card the guest answers: 接受 / 另约时间 / 婉拒. */
export function inviteCard(t: TalkSummary, now: Date, tz: string, text?: string): CardReply {
  return {
    kind: 'card',
    title: '谈心谈话邀约',
    tone: 'info',
    text: text ?? `${t.hostName}想与您谈心谈话，请确认时间是否方便。`,
    fields: talkFields(t, now, tz),
    buttons: [
      { label: '接受', command: `谈话 接受 ${t.id}`, style: 'primary' },
      { label: '另约时间', command: `谈话 另约 ${t.id}` },
      { label: '婉拒', command: `谈话 婉拒 ${t.id}`, style: 'danger' },
    ],
  };
}

/** The card the host answers when the guest proposes another time. */
export function counterCard(t: TalkSummary & { proposedAt: Date }, now: Date, tz: string): CardReply {
  const old = t.scheduledAt ? `（原定${formatWhen(t.scheduledAt, now, tz)}）` : '';
  return {
    kind: 'card',
    title: '对方提议另约时间',
    tone: 'warning',
    text: `${t.guestName}提议将谈心谈话改到 **${formatWhen(t.proposedAt, now, tz)}**${old}。`,
    fields: talkFields(t, now, tz).filter((f) => f.label !== '时间'),
    buttons: [
      { label: '同意', command: `谈话 同意 ${t.id}`, style: 'primary' },
      { label: '不同意', command: `谈话 不同意 ${t.id}` },
    ],
  };
}

/** `#12 12月9日（周三）15:00 与张三 · 已确认` from the asker's side. */
export function talkLine(t: TalkSummary, selfId: number | undefined, hostId: number, now: Date, tz: string): string {
  const other = selfId === hostId ? `与${t.guestName}` : `${t.hostName}约您`;
  const when = t.scheduledAt ? formatWhen(t.scheduledAt, now, tz) : '时间待定';
  return `#${t.id} ${when} ${other} · ${statusLabel(t.status)}`;
}
