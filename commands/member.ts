import { and, eq } from 'drizzle-orm';
import { identities, members, partyGroups } from '../db/schema/index.ts';
import { arg, option } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { UserError } from '../src/bot/errors.ts';
import { BRANCH_ROLES, MEMBER_STATUSES, type BranchRole } from '../src/bot/roles.ts';
import { assertInBranch, branchMembers, findMember, getBranch, targetBranch, type MemberRow } from '../src/org/members.ts';
import { onMemberChanged } from '../src/org/member-events.ts';

const OFFICERS = { roles: ['书记', '副书记', '组织委员'] as const };
const text = (t: string) => ({ kind: 'text' as const, text: t });

const profileOptions = {
  status: option(['身份', '状态'], arg.choice('身份', MEMBER_STATUSES).optional()),
  roles: option(['职务', '角色'], arg.text('职务，多个用逗号分隔，“无”表示清除').optional()),
  employeeNo: option(['工号'], arg.text('工号', { max: 40 }).optional()),
  group: option(['党小组', '小组'], arg.text('党小组名称').optional()),
  birthDate: option(['出生日期', '生日'], arg.date('出生日期').optional()),
  probationarySince: option(['转预备日期', '入党日期'], arg.date('支部大会接收为预备党员的日期').optional()),
  fullSince: option(['转正日期'], arg.date('转为正式党员的日期').optional()),
};

function parseRoles(value: string | undefined): BranchRole[] | undefined {
  if (value === undefined) return undefined;
  if (value === '无' || value === '清除') return [];
  const list = [...new Set(value.split(/[,，、]+/).map((s) => s.trim()).filter(Boolean))];
  const bad = list.filter((r) => !(BRANCH_ROLES as readonly string[]).includes(r));
  if (bad.length) throw new UserError(`“${bad.join('、')}”不是支部职务。可选：${BRANCH_ROLES.join('、')}。`);
  return list as BranchRole[];
}

async function groupId(ctx: CommandContext, branchId: number, name: string | undefined): Promise<number | null | undefined> {
  if (name === undefined) return undefined;
  if (name === '无') return null;
  const [g] = await ctx.db.select().from(partyGroups).where(and(eq(partyGroups.branchId, branchId), eq(partyGroups.name, name)));
  if (!g) throw new UserError(`本支部没有党小组“${name}”。可先发送“党小组 新建 ${name}”。`);
  return g.id;
}

/** Binds the platform account behind an `@` mention, when the message carried one. */
async function bindMention(ctx: CommandContext, ref: string, memberId: number): Promise<boolean> {
  if (!ref.startsWith('@') || ctx.message.platform === 'console') return false;
  const mention = ctx.message.mentions.find((m) => m.name === ref.slice(1));
  if (!mention) return false;
  const taken = await ctx.db.select().from(identities).where(and(eq(identities.tenantId, ctx.tenant.id),
    eq(identities.platform, ctx.message.platform), eq(identities.userId, mention.userId)));
  if (taken[0] && taken[0].memberId !== memberId) throw new UserError(`${ref} 的账号已绑定其他成员。`);
  if (!taken[0]) {
    await ctx.db.insert(identities).values({ tenantId: ctx.tenant.id, platform: ctx.message.platform, userId: mention.userId,
      unionId: mention.unionId ?? null, memberId });
    await ctx.audit({ action: 'bind', entity: 'identity', entityId: memberId, after: { platform: ctx.message.platform } });
  }
  return true;
}

export const memberAdd = command({
  name: '成员 添加',
  aliases: ['member add'],
  args: { who: arg.text('姓名或@某人', { max: 40 }) },
  options: { ...profileOptions, branch: option('支部', arg.text('支部名称').optional()) },
  access: OFFICERS,
  help: '添加成员，并设置身份、职务',
  examples: ['成员 添加 张三 身份:正式党员 职务:书记 支部:第一党支部', '成员 添加 @李四 身份:预备党员 转预备日期:2026-06-28'],
  run: async (input, ctx) => {
    const branch = await targetBranch(ctx, input.branch);
    const name = input.who.replace(/^@/, '');
    if (!name) throw new UserError('请写出成员姓名。');
    const roles = parseRoles(input.roles) ?? [];
    if (input.employeeNo) {
      const [dup] = await ctx.db.select().from(members).where(and(eq(members.tenantId, ctx.tenant.id), eq(members.employeeNo, input.employeeNo)));
      if (dup) throw new UserError(`工号 ${input.employeeNo} 已属于“${dup.name}”。`);
    }
    const [row] = await ctx.db.insert(members).values({
      tenantId: ctx.tenant.id, branchId: branch.id, name, employeeNo: input.employeeNo ?? null,
      status: input.status ?? '正式党员', statusSince: ctx.now.toISOString().slice(0, 10), roles,
      partyGroupId: (await groupId(ctx, branch.id, input.group)) ?? null, birthDate: input.birthDate ?? null,
      probationarySince: input.probationarySince ?? null, fullSince: input.fullSince ?? null,
    }).returning();
    await ctx.audit({ action: 'create', entity: 'member', entityId: row!.id, after: row });
    const bound = await bindMention(ctx, input.who, row!.id);
    const how = bound || ctx.message.platform === 'console' ? '' : `\n请对方绑定账号：在群里发送“成员 绑定 @${name} ${name}”，或发送“成员 邀请 ${name}”获取邀请码。`;
    return text(`已将“${name}”添加到“${branch.name}”，身份：${row!.status}${roles.length ? `，职务：${roles.join('、')}` : ''}。${how}`);
  },
});

export const memberUpdate = command({
  name: '成员 设置',
  aliases: ['member set'],
  args: { who: arg.text('姓名、工号或@某人') },
  options: profileOptions,
  access: OFFICERS,
  help: '修改成员的身份、职务、党小组、工号或日期',
  examples: ['成员 设置 李四 身份:正式党员 转正日期:2026-06-28', '成员 设置 王五 职务:组织委员'],
  run: async (input, ctx) => {
    const before = await findMember(ctx, input.who);
    assertInBranch(ctx, before.branchId);
    const roles = parseRoles(input.roles);
    const patch: Partial<MemberRow> = {};
    if (input.status && input.status !== before.status) Object.assign(patch, { status: input.status, statusSince: ctx.now.toISOString().slice(0, 10) });
    if (roles) patch.roles = roles;
    if (input.employeeNo !== undefined) patch.employeeNo = input.employeeNo;
    if (input.birthDate) patch.birthDate = input.birthDate;
    if (input.probationarySince) patch.probationarySince = input.probationarySince;
    if (input.fullSince) patch.fullSince = input.fullSince;
    const g = before.branchId ? await groupId(ctx, before.branchId, input.group) : undefined;
    if (g !== undefined) patch.partyGroupId = g;
    if (!Object.keys(patch).length) throw new UserError('没有要修改的内容。可设置：身份、职务、工号、党小组、出生日期、转预备日期、转正日期。');
    // Optimistic locking: a concurrent edit of the same member makes this update match nothing.
    const [after] = await ctx.db.update(members).set({ ...patch, version: before.version + 1 })
      .where(and(eq(members.id, before.id), eq(members.version, before.version))).returning();
    if (!after) throw new UserError(`“${before.name}”的信息刚被他人修改，请重新发送命令。`);
    await ctx.audit({ action: 'update', entity: 'member', entityId: before.id, before, after });
    await onMemberChanged(ctx, before, after);
    return text(`已更新“${after.name}”：身份 ${after.status}${after.roles.length ? `，职务 ${after.roles.join('、')}` : '，无职务'}。`);
  },
});

export const memberRemove = command({
  name: '成员 移出',
  aliases: ['member remove', '成员 转出'],
  args: { who: arg.text('姓名、工号或@某人') },
  options: { reason: option('原因', arg.text('原因，如 组织关系转出').optional()) },
  access: { roles: ['书记'] },
  help: '将成员移出支部（如组织关系转出），历史记录保留',
  examples: ['成员 移出 王五 原因:组织关系转出'],
  run: async ({ who, reason }, ctx) => {
    const before = await findMember(ctx, who);
    assertInBranch(ctx, before.branchId);
    const [after] = await ctx.db.update(members).set({ active: false, version: before.version + 1 })
      .where(and(eq(members.id, before.id), eq(members.version, before.version))).returning();
    if (!after) throw new UserError(`“${before.name}”的信息刚被他人修改，请重新发送命令。`);
    await ctx.audit({ action: 'deactivate', entity: 'member', entityId: before.id, before, after: { ...after, reason } });
    return text(`已将“${before.name}”移出支部${reason ? `（${reason}）` : ''}，历史记录仍保留。`);
  },
});

export const memberList = command({
  name: '成员 列表',
  aliases: ['member list'],
  args: { branch: arg.text('支部名称').optional() },
  access: 'member',
  help: '列出支部成员及其身份、职务',
  run: async ({ branch: name }, ctx) => {
    const branch = await targetBranch(ctx, name);
    const rows = await branchMembers(ctx.db, branch.id);
    if (!rows.length) return text(`“${branch.name}”还没有成员。`);
    const full = rows.filter((r) => r.status === '正式党员').length;
    const lines = rows.map((r) => `${r.name}　${r.status}${r.roles.length ? `　${r.roles.join('、')}` : ''}`);
    return { kind: 'card', title: `${branch.name} · 成员（${rows.length} 人）`, text: `${lines.join('\n')}\n\n正式党员 ${full} 人。` };
  },
});

export const whoAmI = command({
  name: '我的信息',
  aliases: ['whoami', 'me'],
  access: 'anyone',
  help: '查看您绑定的成员信息、所在支部和职务',
  run: async (_input, ctx) => {
    const m = ctx.asker.member;
    if (!m) {
      return text(ctx.asker.isAdmin
        ? '您是管理员，账号尚未绑定成员信息。可用“成员 添加”登记成员；发送“帮助”查看全部命令。'
        : '您的账号尚未绑定成员信息。请联系支部书记或管理员添加，或发送“绑定 <邀请码>”。');
    }
    const branch = m.branchId ? await getBranch(ctx.db, ctx.tenant.id, m.branchId) : undefined;
    const [row] = await ctx.db.select().from(members).where(eq(members.id, m.id));
    const fields = [
      { label: '姓名', value: m.name },
      { label: '所在支部', value: branch?.name ?? '未分配' },
      { label: '身份', value: m.status },
      { label: '职务', value: m.roles.length ? m.roles.join('、') : '无' },
    ];
    if (row?.employeeNo) fields.push({ label: '工号', value: row.employeeNo });
    if (row?.probationarySince) fields.push({ label: '转为预备党员', value: row.probationarySince });
    if (row?.fullSince) fields.push({ label: '转为正式党员', value: row.fullSince });
    if (ctx.asker.isAdmin) fields.push({ label: '管理员', value: '是' });
    return { kind: 'card', title: '我的信息', fields };
  },
});

export const memberCommands = [memberAdd, memberUpdate, memberRemove, memberList, whoAmI];
