/** Reading and changing talk rows inside a command: tenant-scoped, visibility-checked, optimistic, audited. */
import { and, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { members, talks } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import type { Reply } from '../bot/types.ts';
import { canSeeTalk, type TalkStatus, type Viewer } from './rules.ts';

export type TalkRow = typeof talks.$inferSelect;
export type Talk = TalkRow & { hostName: string; guestName: string };

const host = alias(members, 'talk_host');
const guest = alias(members, 'talk_guest');

export function viewerOf(ctx: CommandContext): Viewer {
  const m = ctx.asker.member;
  return { memberId: m?.id, branchId: m?.branchId, roles: m?.roles ?? [], isAdmin: ctx.asker.isAdmin };
}

/** The talk `#id` of this tenant that the asker may see; otherwise the same “not found” either way. */
export async function loadTalk(ctx: CommandContext, id: number): Promise<Talk> {
  const [row] = await ctx.db.select({ t: talks, hostName: host.name, guestName: guest.name }).from(talks)
    .innerJoin(host, eq(host.id, talks.hostId))
    .innerJoin(guest, eq(guest.id, talks.guestId))
    .where(and(eq(talks.tenantId, ctx.tenant.id), eq(talks.id, id)))
    .limit(1);
  if (!row || !canSeeTalk(row.t, viewerOf(ctx))) {
    throw new UserError(`没有找到谈话 #${id}。发送“谈话 列表”可查看您的谈话。`);
  }
  return { ...row.t, hostName: row.hostName, guestName: row.guestName };
}

export function requireHost(ctx: CommandContext, t: Talk): void {
  if (ctx.asker.member?.id !== t.hostId) throw new UserError(`谈话 #${t.id} 由${t.hostName}发起，只有发起人可以这样操作。`);
}

export function requireGuest(ctx: CommandContext, t: Talk): void {
  if (ctx.asker.member?.id !== t.guestId) throw new UserError(`谈话 #${t.id} 是与${t.guestName}的谈话，只有${t.guestName}本人可以答复。`);
}

export function requireStatus(t: Talk, allowed: readonly TalkStatus[], why: string): void {
  if (!(allowed as readonly string[]).includes(t.status)) throw new UserError(why);
}

/** The audit view of a talk: never the private notes themselves. */
export function auditView(t: TalkRow): Record<string, unknown> {
  const { notes, followUps, ...rest } = t;
  return { ...rest, notes: notes ? '[私密]' : null, followUps: followUps ? '[私密]' : null };
}

/** Applies a change if nobody changed the talk meanwhile, and audits it. */
export async function updateTalk(ctx: CommandContext, before: Talk, action: string, patch: Partial<TalkRow>): Promise<Talk> {
  const [after] = await ctx.db.update(talks).set({ ...patch, updatedAt: ctx.now, version: before.version + 1 })
    .where(and(eq(talks.id, before.id), eq(talks.version, before.version))).returning();
  if (!after) throw new UserError(`谈话 #${before.id} 刚被对方更新，请发送“谈话 查看 ${before.id}”后再操作。`);
  await ctx.audit({ action, entity: 'talk', entityId: after.id, before: auditView(before), after: auditView(after) });
  return { ...after, hostName: before.hostName, guestName: before.guestName };
}

/** A private message to one person in a talk, on each of their accounts, once per talk version. */
export async function notifyMember(ctx: CommandContext, memberId: number, t: TalkRow, event: string, reply: Reply): Promise<void> {
  for (const recipient of await ctx.recipientsOf(memberId)) {
    await ctx.enqueue({
      recipient, reply, kind: 'reminder',
      dedupeKey: `talk:${t.id}:v${t.version}:${event}:${recipient.platform}:${recipient.id}`,
    });
  }
}

/** A booking time: later than now and within a year. */
export function assertFuture(ctx: CommandContext, at: Date): void {
  if (at.getTime() <= ctx.now.getTime()) throw new UserError('这个时间已经过去了，请选择以后的时间。');
  if (at.getTime() > ctx.now.getTime() + 366 * 86_400_000) throw new UserError('只能预约一年以内的时间。');
}
