import { and, arrayOverlaps, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { members } from '../../db/schema/index.ts';
import type { BranchRole } from '../bot/roles.ts';

/** Active members of a branch holding any of `roles` (e.g. the 书记 and 组织委员 for reminders). */
export async function branchOfficers(db: Db, branchId: number, roles: readonly BranchRole[]) {
  return db.select().from(members)
    .where(and(eq(members.branchId, branchId), eq(members.active, true), arrayOverlaps(members.roles, [...roles])));
}
