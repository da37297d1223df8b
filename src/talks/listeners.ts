import type { Db } from '../../db/client.ts';
import { branchOfficers } from '../org/officers.ts';

/**
 * Who receives a branch member's anonymous messages and may answer them: the branch 书记, or the
 * 副书记 when there is no 书记 (or the writer is the 书记). Never the writer themself.
 */
export async function anonListeners(db: Db, branchId: number, writerId: number): Promise<Array<{ id: number }>> {
  const officers = (await branchOfficers(db, branchId, ['书记', '副书记'])).filter((m) => m.id !== writerId);
  const secretaries = officers.filter((m) => m.roles.includes('书记'));
  return (secretaries.length ? secretaries : officers).map((m) => ({ id: m.id }));
}
