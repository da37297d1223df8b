/** Pure rules for booked talks: who may see what, which reason is a 必谈 one, which reminders are due. */
import type { BranchRole } from '../bot/roles.ts';

export const TALK_STATUSES = ['draft', 'invited', 'countered', 'accepted', 'declined', 'held', 'cancelled'] as const;
export type TalkStatus = (typeof TALK_STATUSES)[number];

export const STATUS_LABELS: Record<TalkStatus, string> = {
  draft: '待定时间',
  invited: '待对方确认',
  countered: '对方提议改时间',
  accepted: '已确认',
  declined: '已婉拒',
  held: '已谈话',
  cancelled: '已取消',
};

/** Still to happen: the host may change the time, cancel it or record it as held. */
export const OPEN_STATUSES: readonly TalkStatus[] = ['draft', 'invited', 'countered', 'accepted'];

export interface TalkParties {
  hostId: number;
  guestId: number;
  branchId: number;
}

export interface Viewer {
  memberId?: number;
  branchId?: number | null;
  roles: readonly BranchRole[];
  isAdmin: boolean;
}

export function isParticipant(t: TalkParties, v: Viewer): boolean {
  return v.memberId !== undefined && (v.memberId === t.hostId || v.memberId === t.guestId);
}

/** The 书记 of the branch the talk belongs to. */
export function isBranchSecretary(t: TalkParties, v: Viewer): boolean {
  return v.memberId !== undefined && v.branchId === t.branchId && v.roles.includes('书记');
}

/** The notes and follow-ups: the two people in the talk and the branch 书记, nobody else (admins neither). */
export function canReadNotes(t: TalkParties, v: Viewer): boolean {
  return isParticipant(t, v) || isBranchSecretary(t, v);
}

/** That the talk exists, when and why: those who may read the notes, and admins. */
export function canSeeTalk(t: TalkParties, v: Viewer): boolean {
  return canReadNotes(t, v) || v.isAdmin;
}

/**
 * A booking's reason: a number picks from the tenant's 必谈 list (`原因:1`), text equal to an item
 * is that item, anything else is free text (not a 必谈 occasion).
 */
export function resolveReason(input: string | undefined, mustTalk: readonly string[]): { reason: string | null; mustTalk: boolean } {
  const text = input?.trim();
  if (!text) return { reason: null, mustTalk: false };
  if (/^\d{1,2}$/.test(text)) {
    const item = mustTalk[Number(text) - 1];
    if (item) return { reason: item, mustTalk: true };
  }
  return { reason: text, mustTalk: mustTalk.includes(text) };
}

export type ReminderKind = 'day' | 'hour';

const HOUR = 3_600_000;
/** Nearest last: when several are due (the job was down), only the nearest one is sent. */
const OFFSETS: ReadonlyArray<[ReminderKind, number]> = [['day', 24 * HOUR], ['hour', HOUR]];

/**
 * The reminder due at `now` for an agreed talk: one day before, then one hour before. A reminder
 * whose moment came before the time was agreed is skipped (the people were just told), and once a
 * nearer reminder is due the farther one is not sent late. Sending it once is the dedupe key's job.
 */
export function reminderDue(t: { scheduledAt: Date; confirmedAt: Date | null }, now: Date): ReminderKind | null {
  const start = t.scheduledAt.getTime();
  if (now.getTime() >= start) return null;
  let due: [ReminderKind, number] | undefined;
  for (const o of OFFSETS) if (now.getTime() >= start - o[1]) due = o;
  if (!due) return null;
  const confirmed = t.confirmedAt?.getTime() ?? -Infinity;
  return confirmed <= start - due[1] ? due[0] : null;
}
