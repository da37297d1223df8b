/** The one path by which the ledger changes a member: optimistic update, audit row, 必谈 suggestion. */
import { and, eq } from 'drizzle-orm';
import { members } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import { onMemberChanged } from '../org/member-events.ts';
import type { MemberRow } from '../org/members.ts';

export type MemberPatch = Partial<Pick<MemberRow, 'status' | 'statusSince' | 'probationarySince' | 'fullSince' | 'birthDate'>>;

/** Applies the fields of `patch` that differ; returns the member as it now is. */
export async function changeMember(ctx: CommandContext, before: MemberRow, patch: MemberPatch): Promise<MemberRow> {
  const diff = Object.fromEntries(Object.entries(patch).filter(([k, v]) => before[k as keyof MemberPatch] !== v)) as MemberPatch;
  if (!Object.keys(diff).length) return before;
  const [after] = await ctx.db.update(members).set({ ...diff, version: before.version + 1 })
    .where(and(eq(members.id, before.id), eq(members.version, before.version))).returning();
  if (!after) throw new UserError(`“${before.name}”的信息刚被他人修改，请重新发送命令。`);
  await ctx.audit({ action: 'update', entity: 'member', entityId: before.id, before, after });
  await onMemberChanged(ctx, before, after);
  return after;
}
