/** Branch officers who handle dues (会计, 出纳, 书记), for private notifications from commands. */
import type { CommandContext } from '../bot/context.ts';
import type { BranchRole } from '../bot/roles.ts';
import type { Recipient, Reply } from '../bot/types.ts';
import { branchOfficers } from '../org/officers.ts';

export interface Officer {
  id: number;
  name: string;
}

/** Active officers holding any of `roles`, except `exclude`; falls back to `fallback` roles when none. */
export async function officersOf(
  ctx: CommandContext, branchId: number, roles: readonly BranchRole[], opts: { exclude?: number; fallback?: readonly BranchRole[] } = {},
): Promise<Officer[]> {
  const pick = async (r: readonly BranchRole[]) =>
    (await branchOfficers(ctx.db, branchId, r)).filter((o) => o.id !== opts.exclude).map((o) => ({ id: o.id, name: o.name }));
  const found = await pick(roles);
  return found.length || !opts.fallback ? found : pick(opts.fallback);
}

/** Sends `reply` privately to every bound account of each person; the key gets the account appended. */
export async function notifyPeople(
  ctx: CommandContext, people: readonly { id: number }[], reply: Reply, dedupeKey: string,
): Promise<number> {
  let sent = 0;
  for (const p of people) {
    const recipients: Recipient[] = await ctx.recipientsOf(p.id);
    for (const recipient of recipients) {
      await ctx.enqueue({ recipient, reply, kind: 'reminder', dedupeKey: `${dedupeKey}:${p.id}:${recipient.platform}:${recipient.id}` });
      sent++;
    }
  }
  return sent;
}
