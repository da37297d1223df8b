/** Taking back the step recorded last for a person (a wrong entry), and the status it gave. */
import { eq } from 'drizzle-orm';
import { developmentSteps } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import { STEPS, statusAfter } from '../domain/development.ts';
import { assertInBranch, findMember, type MemberRow } from '../org/members.ts';
import { changeMember, type MemberPatch } from './status.ts';
import { lockMember, stepsOf, toRecord, type StepRow } from './store.ts';

export interface Undone {
  row: StepRow;
  before: MemberRow;
  after: MemberRow;
}

export async function undoLastStep(ctx: CommandContext, ref: string): Promise<Undone> {
  const found = await findMember(ctx, ref);
  assertInBranch(ctx, found.branchId);
  const member = await lockMember(ctx.db, ctx.tenant.id, found.id);
  const rows = await stepsOf(ctx.db, ctx.tenant.id, member.id);
  const last = [...rows].sort((a, b) => b.id - a.id)[0];
  if (!last) throw new UserError(`${member.name}还没有发展党员步骤记录。`);
  const rest = rows.filter((r) => r.id !== last.id);
  await ctx.db.delete(developmentSteps).where(eq(developmentSteps.id, last.id));
  await ctx.audit({ action: 'development.undo', entity: 'development_step', entityId: last.id, before: last });

  const patch: MemberPatch = {};
  const def = STEPS[last.step - 1]!;
  const stillDone = rest.some((r) => r.step === last.step);
  // Only a status this step gave is taken back; one set by hand or by a later step stays.
  if (def.movesTo && def.movesTo === member.status && !stillDone) {
    const status = statusAfter(rest.map(toRecord));
    patch.status = status;
    patch.statusSince = rest.find((r) => STEPS[r.step - 1]!.movesTo === status)?.date ?? null;
  }
  if (last.step === 17 && !stillDone) patch.probationarySince = null;
  if (last.step === 24 && !stillDone) patch.fullSince = null;
  const after = await changeMember(ctx, member, patch);
  return { row: last, before: member, after };
}

