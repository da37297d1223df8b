import type { CommandContext } from '../bot/context.ts';
import { branchOfficers } from './officers.ts';
import type { MemberRow } from './members.ts';

/**
 * A change of status or role is one of the 必谈 occasions (岗位变动; 批准为预备党员、转正): the
 * branch secretary is asked to arrange a heart-to-heart talk (支部工作条例 Art.19; domain.md §5).
 */
export async function onMemberChanged(ctx: CommandContext, before: MemberRow, after: MemberRow): Promise<void> {
  const changes: string[] = [];
  if (before.status !== after.status) changes.push(`身份由“${before.status}”变为“${after.status}”`);
  const added = after.roles.filter((r) => !before.roles.includes(r));
  const removed = before.roles.filter((r) => !after.roles.includes(r));
  if (added.length) changes.push(`新任${added.join('、')}`);
  if (removed.length) changes.push(`不再担任${removed.join('、')}`);
  if (!changes.length || !after.branchId) return;
  const secretaries = (await branchOfficers(ctx.db, after.branchId, ['书记'])).filter((s) => s.id !== after.id);
  const day = ctx.now.toISOString().slice(0, 10);
  for (const s of secretaries) {
    for (const recipient of await ctx.recipientsOf(s.id)) {
      await ctx.enqueue({
        recipient,
        kind: 'reminder',
        dedupeKey: `talk-suggest:${after.id}:${recipient.platform}:${recipient.id}:${day}:${after.version}`,
        reply: {
          kind: 'card',
          title: '建议开展谈心谈话',
          tone: 'info',
          text: `${after.name}${changes.join('，')}。按“必谈”要求，建议近期与其谈心谈话。`,
          buttons: [{ label: '预约谈话', command: `谈话 预约 ${after.name}`, style: 'primary' }],
        },
      });
    }
  }
}
