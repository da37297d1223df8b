import { and, desc, eq, ne } from 'drizzle-orm';
import { duesPayments } from '../db/schema/index.ts';
import { arg } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { PARTY_STATUSES } from '../src/bot/roles.ts';
import type { CardField } from '../src/bot/types.ts';
import { formatDate } from '../src/bot/time.ts';
import { localMonth } from '../src/domain/calendar.ts';
import { formatYuan, monthlyDues } from '../src/domain/dues.ts';
import { loadLedgers, overdueRun, owedEntries, profileIn, sumFen } from '../src/dues/ledger.ts';
import { monthsZh } from '../src/dues/months.ts';
import { describeProfile } from '../src/dues/profiles.ts';
import { duesPaymentCommands } from './dues-payments.ts';
import { duesStandardCommands } from './dues-standards.ts';
import { duesViewCommands } from './dues-views.ts';

export const duesCalc = command({
  name: '党费 计算',
  aliases: ['dues calc'],
  args: {
    base: arg.money('月收入（税后，元）'),
    category: arg.choice('类别', ['在职', '离退休'] as const, { 退休: '离退休', 离休: '离退休' }).default('在职'),
  },
  access: 'anyone',
  help: '按2008年《党费规定》计算每月应交党费（全额计算，不是超额累进）',
  examples: ['党费 计算 6500', '党费 计算 4200 离退休'],
  run: ({ base, category }) => {
    const fen = monthlyDues({ category, baseFen: base });
    const what = category === '在职' ? '月工资收入（税后）' : '月离退休费';
    return {
      kind: 'text',
      text: `${category}党员${what} ${formatYuan(base)} 元，每月应交党费 ${formatYuan(fen)} 元（按比例对全额计算）。`
        + '\n学生、下岗失业、依靠抚恤或救济、领取低保的党员每月交纳0.2元；农民党员每月0.2元至1元。',
    };
  },
});

export const myDues = command({
  name: '党费',
  aliases: ['dues', '我的党费'],
  access: { statuses: PARTY_STATUSES },
  chat: 'private',
  help: '查看我的党费标准、未交月份和交纳记录（仅本人可见）',
  run: async (_input, ctx) => {
    const me = ctx.asker.member;
    if (!me) throw new UserError('您的账号尚未绑定党员信息，无法查询党费。请联系支部书记或管理员。');
    const month = localMonth(ctx.now, ctx.tz);
    const [ledger] = await loadLedgers(ctx.db, { tenantId: ctx.tenant.id, memberIds: [me.id] }, { until: month });
    const profile = ledger && profileIn(ledger.profiles, month);
    if (!ledger || !profile) {
      return { kind: 'text', text: '支部尚未为您设置党费标准，暂无党费记录。请联系支部会计。' };
    }
    const owed = owedEntries(ledger, month);
    const pending = ledger.entries.filter((e) => e.state === 'pending');
    const fields: CardField[] = [
      { label: '党费标准', value: describeProfile(profile) },
      { label: '每月应交', value: `${formatYuan(profile.amountFen)} 元` },
      { label: '未交', value: owed.length ? `${monthsZh(owed.map((e) => e.month))}，共 ${formatYuan(sumFen(owed))} 元` : '无' },
    ];
    if (pending.length) fields.push({ label: '待出纳确认', value: monthsZh(pending.map((e) => e.month)) });
    const history = await ctx.db.select().from(duesPayments)
      .where(and(eq(duesPayments.tenantId, ctx.tenant.id), eq(duesPayments.memberId, me.id), ne(duesPayments.status, 'cancelled')))
      .orderBy(desc(duesPayments.recordedAt), desc(duesPayments.id)).limit(12);
    const lines = history.map((p) => `${formatDate(p.recordedAt, ctx.tz)}　${monthsZh(p.months)}　${formatYuan(p.amountFen)} 元　`
      + (p.status === 'confirmed' ? '已收讫' : '待出纳确认'));
    const run = overdueRun(ledger, month);
    const text = [
      lines.length ? `**交纳记录**\n${lines.join('\n')}` : '还没有交纳记录。',
      run >= 3 ? `您已连续 ${run} 个月未交纳党费，请尽快补交；如有困难，请与支部书记沟通。` : '',
      owed.length ? '已交给会计但尚未登记的，可发送“党费 报告 <说明>”告知会计。' : '',
    ].filter(Boolean).join('\n\n');
    return { kind: 'card', title: '我的党费', fields, text, tone: run >= 3 ? 'warning' : 'info' };
  },
});

export const duesCommands = [duesCalc, myDues, ...duesPaymentCommands, ...duesViewCommands, ...duesStandardCommands];
