import { and, eq, or } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { branches, identities, members } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';

export type MemberRow = typeof members.$inferSelect;
export type BranchRow = typeof branches.$inferSelect;

/**
 * The member a command names: `@张三` resolves through the platform mention (the account bound to a
 * member), a plain name or employee number through the tenant's roster. Ambiguity is an error, never a guess.
 */
export async function findMember(ctx: CommandContext, ref: string): Promise<MemberRow> {
  const name = ref.replace(/^@/, '').trim();
  if (!name) throw new UserError('请指明成员，例如 @张三 或 张三。');
  if (ref.startsWith('@') && ctx.message.platform !== 'console') {
    const mention = ctx.message.mentions.find((m) => m.name === name) ?? undefined;
    if (mention) {
      const [row] = await ctx.db.select({ m: members }).from(identities)
        .innerJoin(members, eq(members.id, identities.memberId))
        .where(and(eq(identities.tenantId, ctx.tenant.id), eq(identities.platform, ctx.message.platform),
          eq(identities.userId, mention.userId)))
        .limit(1);
      if (row && row.m.active) return row.m;
      throw new UserError(`@${name} 的账号还没有绑定党员信息。请书记或管理员先发送“成员 绑定 @${name} <姓名>”。`);
    }
  }
  const rows = await ctx.db.select().from(members)
    .where(and(eq(members.tenantId, ctx.tenant.id), eq(members.active, true),
      or(eq(members.name, name), eq(members.employeeNo, name))))
    .limit(5);
  if (rows.length === 0) throw new UserError(`没有找到成员“${name}”。可发送“成员 列表”查看本支部成员。`);
  if (rows.length > 1) {
    const sameBranch = rows.filter((r) => r.branchId === ctx.asker.member?.branchId);
    if (sameBranch.length === 1) return sameBranch[0]!;
    throw new UserError(`有 ${rows.length} 位成员叫“${name}”，请改用工号指明。`);
  }
  return rows[0]!;
}

export async function findBranchByName(db: Db, tenantId: number, name: string): Promise<BranchRow | undefined> {
  const [row] = await db.select().from(branches).where(and(eq(branches.tenantId, tenantId), eq(branches.name, name))).limit(1);
  return row;
}

export async function getBranch(db: Db, tenantId: number, id: number): Promise<BranchRow | undefined> {
  const [row] = await db.select().from(branches).where(and(eq(branches.tenantId, tenantId), eq(branches.id, id))).limit(1);
  return row;
}

/**
 * The branch a command acts on: the one named, else the asker's own, else the tenant's only branch.
 * Branch officers act only on their own branch; admins on any branch of the tenant.
 */
export async function targetBranch(ctx: CommandContext, name?: string): Promise<BranchRow> {
  let branch: BranchRow | undefined;
  if (name) {
    branch = await findBranchByName(ctx.db, ctx.tenant.id, name);
    if (!branch) throw new UserError(`没有找到支部“${name}”。管理员可发送“支部 新建 ${name}”创建。`);
  } else if (ctx.asker.member?.branchId) {
    branch = await getBranch(ctx.db, ctx.tenant.id, ctx.asker.member.branchId);
  } else {
    const all = await ctx.db.select().from(branches).where(eq(branches.tenantId, ctx.tenant.id)).limit(2);
    if (all.length === 1) branch = all[0];
    else if (all.length === 0) throw new UserError('还没有任何支部。管理员可先发送“支部 新建 <支部名称>”。');
    else throw new UserError('请用“支部:<支部名称>”指明是哪个支部。');
  }
  if (!branch) throw new UserError('没有找到您所在的支部。');
  assertInBranch(ctx, branch.id);
  return branch;
}

/** Officers of one branch cannot act on another branch's records; admins can. */
export function assertInBranch(ctx: CommandContext, branchId: number | null): void {
  if (ctx.asker.isAdmin) return;
  if (!ctx.asker.member || ctx.asker.member.branchId !== branchId) {
    throw new UserError('您只能处理本支部的事务。');
  }
}

export async function branchMembers(db: Db, branchId: number): Promise<MemberRow[]> {
  return db.select().from(members).where(and(eq(members.branchId, branchId), eq(members.active, true))).orderBy(members.id);
}
