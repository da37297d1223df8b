/**
 * Payments with separated duties (会计出纳分设): the 会计 records, someone else (the 出纳) confirms
 * receipt. The database refuses a payment confirmed by its recorder as well.
 */
import { and, eq } from 'drizzle-orm';
import { duesPaidMonths, duesPayments, duesReports } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import { localMonth } from '../domain/calendar.ts';
import { formatYuan, validatePaymentMonths } from '../domain/dues.ts';
import type { MemberRow } from '../org/members.ts';
import { loadLedgers, sumFen } from './ledger.ts';
import { monthZh, monthsZh } from './months.ts';

export type PaymentRow = typeof duesPayments.$inferSelect;

/** 党费规定 Art.11: 一次多交1000元以上的，全部上缴中央. */
const LARGE_EXTRA_FEN = 100_000;

/** The bound member behind a duty; duties must be traceable to one person to be kept apart. */
export function dutyHolder(ctx: CommandContext, duty: string): { id: number; name: string } {
  const m = ctx.asker.member;
  if (!m) throw new UserError(`${duty}须使用已绑定成员信息的账号，以便会计、出纳分设、责任可查。`);
  return m;
}

export async function recordPayment(
  ctx: CommandContext,
  member: MemberRow,
  input: { months: string[]; amountFen: number; note?: string; reportId?: number },
): Promise<{ payment: PaymentRow; dueFen: number; notes: string[] }> {
  const recorder = dutyHolder(ctx, '登记党费');
  const currentMonth = localMonth(ctx.now, ctx.tz);
  const check = validatePaymentMonths({ months: input.months, currentMonth });
  if (!check.ok) throw new UserError(check.error);
  const last = [...input.months].sort().at(-1)!;
  const [ledger] = await loadLedgers(ctx.db, { tenantId: ctx.tenant.id, memberIds: [member.id] },
    { until: last > currentMonth ? last : currentMonth });
  if (!ledger) throw new UserError(`“${member.name}”不是在册的预备党员或正式党员，无需交纳党费。`);
  const byMonth = new Map(ledger.entries.map((e) => [e.month, e]));
  const entries = input.months.map((m) => {
    const e = byMonth.get(m);
    if (!e) {
      throw new UserError(`${member.name}${monthZh(m)}尚无党费标准（早于其成为预备党员的月份，或尚未设置标准）。`
        + `请先发送“党费 标准 ${member.name} <类别> <金额>”。`);
    }
    if (e.state === 'paid' || e.state === 'pending') {
      throw new UserError(`${member.name}${monthZh(m)}的党费已登记过（编号 ${e.paymentId}${e.state === 'pending' ? '，待出纳确认' : '，已收讫'}），不能重复登记。`);
    }
    if (e.state === 'exempt') throw new UserError(`${member.name}${monthZh(m)}经批准免交党费，无需登记。`);
    return e;
  });
  const dueFen = sumFen(entries);
  if (input.amountFen < dueFen) {
    throw new UserError(`金额不足：${member.name}${monthsZh(input.months)}应交党费 ${formatYuan(dueFen)} 元，登记金额为 ${formatYuan(input.amountFen)} 元。`);
  }
  if (input.amountFen <= 0) throw new UserError('交纳金额应大于 0。');

  const [payment] = await ctx.db.insert(duesPayments).values({
    tenantId: ctx.tenant.id, branchId: member.branchId!, memberId: member.id, months: input.months,
    amountFen: input.amountFen, dueFen, note: input.note ?? null, recordedBy: recorder.id, recordedAt: ctx.now,
    reportId: input.reportId ?? null,
  }).returning();
  await ctx.db.insert(duesPaidMonths).values(entries.map((e) => ({
    tenantId: ctx.tenant.id, memberId: member.id, month: e.month, paymentId: payment!.id, dueFen: e.amountFen,
  })));
  await ctx.audit({ action: 'record', entity: 'dues_payment', entityId: payment!.id, after: payment });

  if (input.reportId !== undefined) {
    const [report] = await ctx.db.update(duesReports).set({ status: 'recorded', paymentId: payment!.id })
      .where(and(eq(duesReports.id, input.reportId), eq(duesReports.tenantId, ctx.tenant.id),
        eq(duesReports.memberId, member.id), eq(duesReports.status, 'open')))
      .returning();
    if (!report) throw new UserError(`没有${member.name}尚未处理的报告 ${input.reportId}。`);
    await ctx.audit({ action: 'handle', entity: 'dues_report', entityId: report.id, after: report });
  }

  const notes: string[] = [];
  const extra = input.amountFen - dueFen;
  if (extra > 0) notes.push(`比应交多 ${formatYuan(extra)} 元，按自愿多交登记。`);
  if (extra >= LARGE_EXTRA_FEN) notes.push('一次多交1000元以上的，按党费规定第十一条全部上缴中央。');
  const ahead = input.months.filter((m) => m > currentMonth);
  if (ahead.length) notes.push(`其中${monthsZh(ahead)}为预交（经支部同意，不超过6个月）。`);
  return { payment: payment!, dueFen, notes };
}

async function livePayment(ctx: CommandContext, id: number): Promise<PaymentRow> {
  const [p] = await ctx.db.select().from(duesPayments).where(and(eq(duesPayments.id, id), eq(duesPayments.tenantId, ctx.tenant.id)));
  if (!p) throw new UserError(`没有编号为 ${id} 的党费登记。`);
  if (p.status === 'cancelled') throw new UserError(`编号 ${id} 的党费登记已撤销。`);
  return p;
}

export async function confirmPayment(ctx: CommandContext, id: number, assertBranch: (branchId: number) => void): Promise<PaymentRow> {
  const confirmer = dutyHolder(ctx, '确认收款');
  const before = await livePayment(ctx, id);
  assertBranch(before.branchId);
  if (before.status === 'confirmed') throw new UserError(`编号 ${id} 的党费已确认收讫，无需重复确认。`);
  if (before.recordedBy === confirmer.id) {
    throw new UserError('会计和出纳须分设：这笔党费是您本人登记的，不能再由您确认收款。请由支部出纳确认。');
  }
  const [after] = await ctx.db.update(duesPayments).set({ status: 'confirmed', confirmedBy: confirmer.id, confirmedAt: ctx.now })
    .where(and(eq(duesPayments.id, id), eq(duesPayments.status, 'recorded'))).returning();
  if (!after) throw new UserError(`编号 ${id} 的党费登记刚被他人处理，请重新查看。`);
  await ctx.db.update(duesPaidMonths).set({ confirmed: true }).where(eq(duesPaidMonths.paymentId, id));
  await ctx.audit({ action: 'confirm', entity: 'dues_payment', entityId: id, before, after });
  return after;
}

export async function cancelPayment(
  ctx: CommandContext, id: number, reason: string, assertBranch: (branchId: number) => void,
): Promise<PaymentRow> {
  const who = dutyHolder(ctx, '撤销党费登记');
  const before = await livePayment(ctx, id);
  assertBranch(before.branchId);
  if (before.status === 'confirmed') throw new UserError(`编号 ${id} 的党费已由出纳确认收讫，不能撤销。如确有差错，请报支部委员会处理。`);
  const [after] = await ctx.db.update(duesPayments).set({ status: 'cancelled', cancelledBy: who.id, cancelReason: reason })
    .where(and(eq(duesPayments.id, id), eq(duesPayments.status, 'recorded'))).returning();
  if (!after) throw new UserError(`编号 ${id} 的党费登记刚被他人处理，请重新查看。`);
  await ctx.db.delete(duesPaidMonths).where(eq(duesPaidMonths.paymentId, id));
  if (before.reportId !== null) {
    await ctx.db.update(duesReports).set({ status: 'open', paymentId: null }).where(eq(duesReports.id, before.reportId));
  }
  await ctx.audit({ action: 'cancel', entity: 'dues_payment', entityId: id, before, after });
  return after;
}
