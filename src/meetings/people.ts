/** The 党小组, host and recorder a meeting command names, resolved within the branch. */
import { and, asc, eq } from 'drizzle-orm';
import { members, partyGroups } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import type { MeetingKind } from '../domain/meetings.ts';
import type { MemberRow } from '../org/members.ts';

export interface GroupRef {
  id: number;
  name: string;
}

/** The group of a 党小组会: the one named, the branch's only one, or the asker's own. */
export async function resolveGroup(ctx: CommandContext, branchId: number, kind: MeetingKind, name?: string): Promise<GroupRef | null> {
  if (kind !== '党小组会') {
    if (name) throw new UserError('只有党小组会需要写“小组:”。');
    return null;
  }
  const groups = await ctx.db.select({ id: partyGroups.id, name: partyGroups.name }).from(partyGroups)
    .where(and(eq(partyGroups.tenantId, ctx.tenant.id), eq(partyGroups.branchId, branchId))).orderBy(asc(partyGroups.id));
  if (!groups.length) throw new UserError('本支部还没有党小组。可先发送“党小组 新建 <党小组名称>”。');
  const list = groups.map((g) => g.name).join('、');
  if (name) {
    const g = groups.find((x) => x.name === name);
    if (!g) throw new UserError(`本支部没有党小组“${name}”。现有：${list}。`);
    return g;
  }
  if (groups.length === 1) return groups[0]!;
  const me = ctx.asker.member;
  if (me) {
    const [row] = await ctx.db.select({ groupId: members.partyGroupId }).from(members).where(eq(members.id, me.id));
    const own = groups.find((g) => g.id === row?.groupId);
    if (own) return own;
  }
  throw new UserError(`请用“小组:<党小组名称>”指明是哪个党小组（本支部有：${list}）。`);
}

/** 主持人 when none is named: the group's 党小组长 for a 党小组会, else the 书记, else whoever records. */
export function defaultHost(all: readonly MemberRow[], kind: MeetingKind, groupId: number | null, ctx: CommandContext): string | null {
  const leader = kind === '党小组会' ? all.find((m) => m.partyGroupId === groupId && m.roles.includes('党小组长')) : undefined;
  const secretary = all.find((m) => m.roles.includes('书记'));
  return (leader ?? secretary)?.name ?? ctx.asker.member?.name ?? null;
}

/** A member of the branch by name, @name or 工号. */
export function branchMemberNamed(all: readonly MemberRow[], ref: string, role: string): MemberRow {
  const name = ref.replace(/^@/, '').trim();
  const hits = all.filter((m) => m.name === name || m.employeeNo === name);
  if (!hits.length) throw new UserError(`${role}“${name}”不是本支部成员。可发送“成员 列表”核对姓名。`);
  if (hits.length > 1) throw new UserError(`本支部有 ${hits.length} 位成员叫“${name}”，请改用工号。`);
  return hits[0]!;
}

/** 记录人: the one named, else the asker when they belong to the branch. */
export function resolveRecorder(all: readonly MemberRow[], ref: string | undefined, ctx: CommandContext): number | null {
  if (ref) return branchMemberNamed(all, ref, '记录人').id;
  const me = ctx.asker.member;
  return me && all.some((m) => m.id === me.id) ? me.id : null;
}
