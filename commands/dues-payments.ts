import { duesReports } from '../db/schema/index.ts';
import { arg, option } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { UserError } from '../src/bot/errors.ts';
import { PARTY_STATUSES } from '../src/bot/roles.ts';
import type { Button, CardField } from '../src/bot/types.ts';
import { formatYuan } from '../src/domain/dues.ts';
import { parseMonthList, monthsZh } from '../src/dues/months.ts';
import { notifyPeople, officersOf } from '../src/dues/officers.ts';
import { cancelPayment, confirmPayment, recordPayment } from '../src/dues/payments.ts';
import { assertInBranch, findMember } from '../src/org/members.ts';

const text = (t: string) => ({ kind: 'text' as const, text: t });

function months(ctx: CommandContext, raw: string): string[] {
  const r = parseMonthList(raw, ctx.now, ctx.tz);
  if (!r.ok) throw new UserError(r.error, '党费 登记 <姓名> <月份> <金额>');
  return r.months;
}

export const duesRecord = command({
  name: '党费 登记',
  aliases: ['dues record'],
  args: {
    who: arg.text('姓名、工号或@某人'),
    months: arg.text('月份，如 2026-11 或 2026-09至2026-11'),
    amount: arg.money('金额（元）'),
  },
  options: {
    note: option(['备注', '说明'], arg.text('备注', { max: 100 }).optional()),
    report: option(['报告'], arg.int('党员报告编号', { min: 1 }).optional()),
  },
  access: { roles: ['会计'] },
  chat: 'private',
  help: '会计登记党员交纳的党费，登记后由出纳确认收款（会计、出纳分设）',
  examples: ['党费 登记 张三 2026-11 97.50', '党费 登记 李四 2026-09至2026-11 292.50 备注:补交'],
  run: async (input, ctx) => {
    const member = await findMember(ctx, input.who);
    assertInBranch(ctx, member.branchId);
    if (member.branchId === null) throw new UserError(`“${member.name}”尚未编入支部，无法登记党费。`);
    const { payment, dueFen, notes } = await recordPayment(ctx, member, {
      months: months(ctx, input.months), amountFen: input.amount,
      ...(input.note ? { note: input.note } : {}), ...(input.report ? { reportId: input.report } : {}),
    });
    const cashiers = await officersOf(ctx, member.branchId, ['出纳'], { exclude: ctx.asker.member?.id });
    const what = `${member.name}　${monthsZh(payment.months)}　${formatYuan(payment.amountFen)} 元`;
    await notifyPeople(ctx, cashiers, {
      kind: 'card', title: '党费待确认收款', tone: 'info',
      text: `会计${ctx.asker.member?.name ?? ''}登记了一笔党费，请核对到账后确认。`,
      fields: [{ label: '编号', value: String(payment.id) }, { label: '党员', value: member.name },
        { label: '月份', value: monthsZh(payment.months) }, { label: '金额', value: `${formatYuan(payment.amountFen)} 元（应交 ${formatYuan(dueFen)} 元）` }],
      buttons: [{ label: '确认收款', command: `党费 确认 ${payment.id}`, style: 'primary' }],
    }, `dues-confirm:${payment.id}`);
    const who = cashiers.length
      ? `已通知出纳${cashiers.map((c) => c.name).join('、')}确认收款。`
      : '本支部没有其他出纳可以确认。按会计、出纳分设的要求，请书记指定出纳（“成员 设置 <姓名> 职务:出纳”）。';
    return text([`已登记（编号 ${payment.id}）：${what}，待出纳确认。`, ...notes, who].join('\n'));
  },
});

export const duesConfirm = command({
  name: '党费 确认',
  aliases: ['dues confirm'],
  args: { id: arg.int('登记编号', { min: 1 }) },
  access: { roles: ['出纳'] },
  chat: 'private',
  help: '出纳核对到账后确认收款；登记人本人不能确认（会计、出纳分设）',
  examples: ['党费 确认 12'],
  run: async ({ id }, ctx) => {
    const p = await confirmPayment(ctx, id, (branchId) => assertInBranch(ctx, branchId));
    const what = `${monthsZh(p.months)}党费 ${formatYuan(p.amountFen)} 元`;
    await notifyPeople(ctx, [{ id: p.memberId }], {
      kind: 'text', text: `您交纳的${what}已由支部出纳确认收讫。谢谢！`,
    }, `dues-paid:${p.id}`);
    await notifyPeople(ctx, [{ id: p.recordedBy }], { kind: 'text', text: `出纳已确认收款：编号 ${p.id}，${what}。` }, `dues-confirmed:${p.id}`);
    return text(`已确认收款（编号 ${p.id}）：${what}。已通知党员本人。`);
  },
});

export const duesCancel = command({
  name: '党费 撤销',
  aliases: ['dues cancel'],
  args: { id: arg.int('登记编号', { min: 1 }), reason: arg.rest('原因', { max: 100 }) },
  access: { roles: ['会计', '出纳'] },
  chat: 'private',
  help: '撤销一笔尚未确认收款的党费登记（如登记有误、未收到款项）',
  examples: ['党费 撤销 12 金额登记错误'],
  run: async ({ id, reason }, ctx) => {
    const p = await cancelPayment(ctx, id, reason, (branchId) => assertInBranch(ctx, branchId));
    return text(`已撤销编号 ${p.id} 的党费登记（${monthsZh(p.months)}，${formatYuan(p.amountFen)} 元），原因：${reason}。这些月份恢复为未交。`);
  },
});

export const duesReport = command({
  name: '党费 报告',
  aliases: ['dues report', '党费 已交'],
  args: { note: arg.rest('说明，如交给谁、怎么交的', { max: 200 }) },
  options: {
    months: option(['月份'], arg.text('月份').optional()),
    amount: option(['金额'], arg.money('金额（元）').optional()),
  },
  access: { statuses: PARTY_STATUSES },
  chat: 'private',
  help: '告诉会计您已交党费（由会计登记、出纳确认，党员本人不能自行标记已交）',
  examples: ['党费 报告 已微信转账给会计 月份:2026-11 金额:97.50'],
  run: async ({ note, months: rawMonths, amount }, ctx) => {
    const me = ctx.asker.member;
    if (!me?.branchId) throw new UserError('您的账号尚未绑定支部党员信息，请联系支部书记。');
    let list: string[] | undefined;
    if (rawMonths !== undefined) {
      const r = parseMonthList(rawMonths, ctx.now, ctx.tz);
      if (!r.ok) throw new UserError(r.error);
      list = r.months;
    }
    const [report] = await ctx.db.insert(duesReports).values({
      tenantId: ctx.tenant.id, branchId: me.branchId, memberId: me.id, note, months: list ?? null, amountFen: amount ?? null,
    }).returning();
    await ctx.audit({ action: 'create', entity: 'dues_report', entityId: report!.id, after: report });
    const accountants = await officersOf(ctx, me.branchId, ['会计'], { exclude: me.id, fallback: ['书记'] });
    if (!accountants.length) throw new UserError('本支部还没有会计，请直接联系支部书记。');
    const fields: CardField[] = [{ label: '党员', value: me.name }, { label: '说明', value: note }];
    if (list) fields.push({ label: '月份', value: monthsZh(list) });
    if (amount !== undefined) fields.push({ label: '金额', value: `${formatYuan(amount)} 元` });
    const buttons: Button[] = list && amount !== undefined
      ? [{ label: '核实后登记', command: `党费 登记 ${me.name} ${list.join(',')} ${formatYuan(amount)} 报告:${report!.id}`, style: 'primary' }]
      : [];
    await notifyPeople(ctx, accountants, {
      kind: 'card', title: '党员报告已交党费', tone: 'info', fields, buttons,
      text: buttons.length ? '请核实款项后登记。' : `请核实后发送：党费 登记 ${me.name} <月份> <金额> 报告:${report!.id}`,
    }, `dues-report:${report!.id}`);
    return text(`已转告支部${accountants.map((a) => a.name).join('、')}。会计登记、出纳确认收款后，您会收到通知；在此之前，这些月份仍显示为未交。`);
  },
});

export const duesPaymentCommands = [duesRecord, duesConfirm, duesCancel, duesReport];
