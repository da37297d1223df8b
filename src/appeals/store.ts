/** Reading and changing appeals: tenant-scoped, visible only to those involved, optimistic, audited, traced. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { appealEvents, appeals, members } from '../../db/schema/index.ts';
import { formatHandle } from '../anon/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import { localParts } from '../domain/calendar.ts';
import { hiddenSubmitter } from './anon.ts';
import type { AppealEnv } from './env.ts';
import type { Appeal } from './format.ts';
import { parseTrackingNumber } from './numbers.ts';

export interface Viewer {
  submitter: boolean;
  handler: boolean;
  /** Admins, and the 书记 or 副书记 of the appeal's branch. */
  supervisor: boolean;
}

export function isSupervisorOf(ctx: CommandContext, branchId: number): boolean {
  const m = ctx.asker.member;
  return ctx.asker.isAdmin || (!!m && m.branchId === branchId && (m.roles.includes('书记') || m.roles.includes('副书记')));
}

/** The appeal the asker names, if they may see it; one answer for "no such appeal" and "not yours". */
export async function findAppeal(ctx: CommandContext, ref: string): Promise<{ a: Appeal; v: Viewer }> {
  const year = localParts(ctx.now, ctx.tz).year;
  const n = parseTrackingNumber(ref, year);
  if (!n) throw new UserError(`“${ref}”不是诉求编号，编号形如 SQ-${year}-0001。`);
  const [a] = await ctx.db.select().from(appeals)
    .where(and(eq(appeals.tenantId, ctx.tenant.id), eq(appeals.year, n.year), eq(appeals.seq, n.seq))).limit(1);
  const me = ctx.asker.member;
  const v: Viewer = { submitter: false, handler: false, supervisor: false };
  if (a) {
    v.handler = !!me && a.handlerId === me.id;
    v.supervisor = isSupervisorOf(ctx, a.branchId);
    v.submitter = !!me && (a.submitterId === me.id
      || (a.anonHandle !== null && (await hiddenSubmitter(ctx.db, ctx.tenant.id, a.anonHandle)) === me.id));
  }
  if (!a || !(v.submitter || v.handler || v.supervisor)) {
    throw new UserError(`没有找到您可以查看的诉求 ${ref}。发送“诉求 进度”可查看您提交的诉求。`);
  }
  return { a, v };
}

/** The appeal, if the asker handles it or supervises its branch. */
export async function forOfficer(ctx: CommandContext, ref: string): Promise<{ a: Appeal; v: Viewer }> {
  const found = await findAppeal(ctx, ref);
  if (!found.v.handler && !found.v.supervisor) {
    throw new UserError(`诉求 ${found.a.number} 由承办人办理，您可以发送“诉求 进度 ${found.a.number}”查看进展。`);
  }
  return found;
}

export interface Actor {
  id: number | null;
  label: string;
  /** The hidden submitter of an anonymous appeal. */
  anonymous: boolean;
}

export const SYSTEM: Actor = { id: null, label: '系统', anonymous: false };

/** The asker acting as the appeal's submitter: under the handle when the appeal is anonymous. */
export function submitterActor(ctx: CommandContext, a: Appeal): Actor {
  if (a.anonHandle !== null) return { id: null, label: formatHandle(a.anonHandle), anonymous: true };
  return { id: ctx.asker.member?.id ?? null, label: ctx.asker.member?.name ?? '提交人', anonymous: false };
}

/** The asker acting as handler, secretary or admin. */
export function officerActor(ctx: CommandContext): Actor {
  return { id: ctx.asker.member?.id ?? null, label: ctx.asker.member?.name ?? '管理员', anonymous: false };
}

/** The audit view: states and routing, never the free text nor who an anonymous submitter is. */
export function auditView(a: Appeal): Record<string, unknown> {
  return {
    number: a.number, state: a.state, category: a.category, urgency: a.urgency, complexity: a.complexity,
    handlerId: a.handlerId, anonymous: a.anonHandle !== null, acceptBy: a.acceptBy, resolveBy: a.resolveBy,
    escalations: a.escalations, round: a.round, rating: a.rating, publish: a.publish,
  };
}

export async function recordEvent(env: AppealEnv, a: Pick<Appeal, 'id'>, e: {
  action: string; from?: string | null; to?: string | null; actor: Actor; note?: string | null;
}): Promise<number> {
  const [row] = await env.db.insert(appealEvents).values({
    tenantId: env.tenantId, appealId: a.id, at: env.now, action: e.action, fromState: e.from ?? null,
    toState: e.to ?? null, actorId: e.actor.id, actorLabel: e.actor.label, note: e.note ?? null,
  }).returning({ id: appealEvents.id });
  return row!.id;
}

export interface Change {
  action: string;
  patch: Partial<Appeal>;
  actor: Actor;
  note?: string | null;
}

/**
 * Applies a change unless someone changed the appeal meanwhile; writes its timeline event and its
 * audit row in the same transaction. Returns the appeal after and the event id (for dedupe keys).
 */
export async function applyChange(env: AppealEnv, before: Appeal, c: Change): Promise<{ after: Appeal; eventId: number }> {
  const [after] = await env.db.update(appeals)
    .set({ ...c.patch, updatedAt: env.now, version: before.version + 1 })
    .where(and(eq(appeals.id, before.id), eq(appeals.version, before.version))).returning();
  if (!after) throw new UserError(`诉求 ${before.number} 刚刚有了新进展，请发送“诉求 进度 ${before.number}”查看后再操作。`);
  const eventId = await recordEvent(env, after, {
    action: c.action, from: before.state, to: after.state, actor: c.actor, note: c.note,
  });
  await env.audit({
    action: `appeal.${c.action}`, entity: 'appeal', entityId: after.id, before: auditView(before), after: auditView(after),
  }, c.actor.anonymous);
  return { after, eventId };
}

export async function memberNames(db: Db, tenantId: number, ids: readonly (number | null)[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((x): x is number => x !== null))];
  if (!wanted.length) return new Map();
  const rows = await db.select({ id: members.id, name: members.name }).from(members)
    .where(and(eq(members.tenantId, tenantId), inArray(members.id, wanted)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function eventsOf(db: Db, appealId: number) {
  return db.select().from(appealEvents).where(eq(appealEvents.appealId, appealId)).orderBy(appealEvents.id);
}
