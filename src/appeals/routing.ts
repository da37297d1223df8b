/**
 * Who handles an appeal: the route an admin set for the branch and category (or for all of the
 * branch's categories), a person or a branch role; without one, the branch 书记, then the 副书记.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { appealRoutes, members } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import { isBranchRole, type BranchRole } from '../bot/roles.ts';
import { findMember } from '../org/members.ts';
import { branchOfficers } from '../org/officers.ts';

export const ALL_CATEGORIES = '*';

export interface Handler {
  id: number;
  name: string;
}

export type Target = { role: BranchRole } | { member: Handler & { branchId: number | null } };

/** The holder of a role in a branch, preferring anyone but `exclude` (the submitter). */
export async function roleHolder(db: Db, branchId: number, role: BranchRole, exclude?: number): Promise<Handler | null> {
  const holders = (await branchOfficers(db, branchId, [role])).sort((x, y) => x.id - y.id);
  const pick = holders.find((m) => m.id !== exclude) ?? holders[0];
  return pick ? { id: pick.id, name: pick.name } : null;
}

export async function routeHandler(
  db: Db, tenantId: number, branchId: number, category: string, exclude?: number,
): Promise<Handler | null> {
  const routes = await db.select().from(appealRoutes).where(and(eq(appealRoutes.tenantId, tenantId),
    eq(appealRoutes.branchId, branchId), inArray(appealRoutes.category, [category, ALL_CATEGORIES])));
  const route = routes.find((r) => r.category === category) ?? routes[0];
  if (route?.handlerId) {
    const [m] = await db.select({ id: members.id, name: members.name }).from(members)
      .where(and(eq(members.tenantId, tenantId), eq(members.id, route.handlerId), eq(members.active, true))).limit(1);
    if (m) return m;
  }
  if (route?.handlerRole && isBranchRole(route.handlerRole)) {
    const m = await roleHolder(db, branchId, route.handlerRole, exclude);
    if (m) return m;
  }
  return (await roleHolder(db, branchId, '书记', exclude)) ?? roleHolder(db, branchId, '副书记', exclude);
}

/** `书记` (a branch role) or a person (`@张三`, 张三, 工号). */
export async function parseTarget(ctx: CommandContext, text: string): Promise<Target> {
  const t = text.trim();
  if (isBranchRole(t)) return { role: t };
  const m = await findMember(ctx, t);
  return { member: { id: m.id, name: m.name, branchId: m.branchId } };
}

/** A target as the person who will handle an appeal of `branchId`. */
export async function targetHandler(ctx: CommandContext, target: Target, branchId: number): Promise<Handler> {
  if ('member' in target) return { id: target.member.id, name: target.member.name };
  const m = await roleHolder(ctx.db, branchId, target.role);
  if (!m) throw new UserError(`该支部目前没有${target.role}，请指定具体的人。`);
  return m;
}

export function targetLabel(t: Target): string {
  return 'role' in t ? `本支部${t.role}` : t.member.name;
}
