/** Dues standards: building one from what an officer typed, saving it, describing it. */
import { and, eq } from 'drizzle-orm';
import { duesProfiles } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import { duesProfileError, formatYuan, monthlyDues, type DuesCategory, type DuesProfile } from '../domain/dues.ts';
import type { ProfileRow } from './ledger.ts';

/** What officers type for each category. */
export const CATEGORY_ALIASES: Record<string, DuesCategory> = {
  退休: '离退休', 离休: '离退休', 下岗: '下岗失业', 失业: '下岗失业', 低保: '低保/抚恤', 抚恤: '低保/抚恤',
  救济: '低保/抚恤', 减免: '核定', 少交: '核定', 年初核定: '核定',
};

/** A profile from a category and the one amount it needs (base for 在职/离退休, set amount for 农民/核定). */
export function buildProfile(category: DuesCategory, amountFen: number | undefined, exempt = false): DuesProfile {
  let p: DuesProfile;
  if (category === '在职' || category === '离退休') p = { category, ...(amountFen === undefined ? {} : { baseFen: amountFen }) };
  else if (category === '农民') p = { category, ...(amountFen === undefined ? {} : { fixedFen: amountFen }) };
  else if (category === '核定') {
    const fixedFen = exempt ? 0 : amountFen;
    if (fixedFen === undefined) throw new UserError('核定党费须写明经批准的每月金额；免交请写“免交”。');
    p = { category, fixedFen };
  } else p = { category };
  const err = duesProfileError(p);
  if (err) throw new UserError(`${err}。`);
  return p;
}

export function describeProfile(p: Pick<ProfileRow, 'category' | 'baseFen' | 'fixedFen' | 'note'>): string {
  if (p.category === '在职') return `在职，月工资收入（税后）${formatYuan(p.baseFen ?? 0)} 元`;
  if (p.category === '离退休') return `离退休，月离退休费 ${formatYuan(p.baseFen ?? 0)} 元`;
  if (p.category === '核定') return p.fixedFen === 0 ? `经批准免交${p.note ? `（${p.note}）` : ''}` : `核定${p.note ? `（${p.note}）` : ''}`;
  return p.category;
}

/** Sets (or replaces) the standard a member has from `effectiveMonth` on, with an audit row. */
export async function saveProfile(
  ctx: CommandContext,
  memberId: number,
  profile: DuesProfile,
  effectiveMonth: string,
  note: string | null,
): Promise<ProfileRow> {
  const [before] = await ctx.db.select().from(duesProfiles)
    .where(and(eq(duesProfiles.memberId, memberId), eq(duesProfiles.effectiveMonth, effectiveMonth)));
  const values = {
    tenantId: ctx.tenant.id,
    memberId,
    category: profile.category,
    baseFen: profile.baseFen ?? null,
    fixedFen: profile.fixedFen ?? null,
    amountFen: monthlyDues(profile),
    effectiveMonth,
    note,
    setBy: ctx.asker.member ? `member:${ctx.asker.member.id}` : `admin:${ctx.asker.platform}:${ctx.asker.userId}`,
  };
  const [row] = await ctx.db.insert(duesProfiles).values(values)
    .onConflictDoUpdate({ target: [duesProfiles.memberId, duesProfiles.effectiveMonth], set: values })
    .returning();
  await ctx.audit({ action: before ? 'update' : 'create', entity: 'dues_profile', entityId: row!.id, before: before ?? null, after: row });
  return row!;
}
