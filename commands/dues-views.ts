import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { duesPayments, members } from '../db/schema/index.ts';
import { arg, option } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { formatDateTime } from '../src/bot/time.ts';
import { localMonth } from '../src/domain/calendar.ts';
import { escalation, formatYuan } from '../src/domain/dues.ts';
import { duesWorkbook } from '../src/dues/export.ts';
import { fileReply } from '../src/files/export-files.ts';
import { loadLedgers, overdueRun, owedEntries, sumFen } from '../src/dues/ledger.ts';
import { monthsZh } from '../src/dues/months.ts';
import { monthNumbers, yearRows, yearTotals, type YearRow } from '../src/dues/year.ts';
import { targetBranch } from '../src/org/members.ts';

const branchOption = { branch: option('支部', arg.text('支部名称').optional()) };
const LEDGER_ROLES = { roles: ['书记', '会计', '出纳'] as const };

const RUN_NOTE: Record<string, string> = {
  talk: '，请谈心谈话',
  warn_lapse: '，已满5个月，须告知自行脱党规定',
  flag_meeting: '，已满6个月，提请支部党员大会',
};

export const duesUnpaid = command({
  name: '党费 未交',
  aliases: ['dues unpaid'],
  options: branchOption,
  access: { roles: ['书记', '会计'] },
  chat: 'private',
  help: '本支部党费未交名单：月份、金额和连续未交月数',
  examples: ['党费 未交'],
  run: async ({ branch: name }, ctx) => {
    const branch = await targetBranch(ctx, name);
    const month = localMonth(ctx.now, ctx.tz);
    const ledgers = await loadLedgers(ctx.db, { tenantId: ctx.tenant.id, branchId: branch.id }, { until: month });
    const owing = ledgers
      .map((l) => ({ l, owed: owedEntries(l, month), run: overdueRun(l, month) }))
      .filter((x) => x.owed.length > 0)
      .sort((a, b) => b.run - a.run || a.l.member.id - b.l.member.id);
    const noStandard = ledgers.filter((l) => l.profiles.length === 0).map((l) => l.member.name);
    const lines = owing.map(({ l, owed, run }) => `${l.member.name}　${monthsZh(owed.map((e) => e.month))}　${formatYuan(sumFen(owed))} 元`
      + (run > 0 ? `（连续逾期 ${run} 个月${RUN_NOTE[escalation(run)] ?? ''}）` : ''));
    const total = owing.reduce((s, x) => s + sumFen(x.owed), 0);
    const body = [
      lines.length ? lines.join('\n') : '没有未交党费的党员。',
      lines.length ? `合计 ${owing.length} 人，${formatYuan(total)} 元（含本月）。` : '',
      noStandard.length ? `尚未设置党费标准：${noStandard.join('、')}。` : '',
    ].filter(Boolean).join('\n\n');
    return { kind: 'card', title: `${branch.name} · 党费未交（${owing.length} 人）`, text: body, tone: owing.length ? 'warning' : 'success' };
  },
});

async function yearData(ctx: CommandContext, branchId: number, year: number) {
  const currentMonth = localMonth(ctx.now, ctx.tz);
  const ledgers = await loadLedgers(ctx.db, { tenantId: ctx.tenant.id, branchId }, { from: `${year}-01`, until: `${year}-12` });
  const rows = yearRows(ledgers, year, currentMonth).filter((r) => r.months.some(Boolean));
  return { rows, currentMonth };
}

function rowLine(r: YearRow, currentMonth: string): string {
  const parts = [
    ['已交', monthNumbers(r, (e) => e.state === 'paid')],
    ['待确认', monthNumbers(r, (e) => e.state === 'pending')],
    ['未交', monthNumbers(r, (e) => e.state === 'unpaid' && e.month <= currentMonth)],
    ['免交', monthNumbers(r, (e) => e.state === 'exempt')],
  ].filter(([, v]) => v).map(([k, v]) => `${k} ${v}`);
  return `${r.name}　${parts.join('，') || '—'}　已交 ${formatYuan(r.paidFen)} / 应交 ${formatYuan(r.dueFen)} 元`;
}

export const duesLedger = command({
  name: '党费 台账',
  aliases: ['dues ledger'],
  args: { year: arg.year('年份').optional() },
  options: branchOption,
  access: LEDGER_ROLES,
  chat: 'private',
  help: '本支部某年的党费收缴台账：每人每月交纳情况和合计',
  examples: ['党费 台账 2026'],
  run: async ({ year: y, branch: name }, ctx) => {
    const branch = await targetBranch(ctx, name);
    const year = y ?? Number(localMonth(ctx.now, ctx.tz).slice(0, 4));
    const { rows, currentMonth } = await yearData(ctx, branch.id, year);
    if (!rows.length) return { kind: 'text', text: `“${branch.name}”${year}年没有党费台账记录。` };
    const t = yearTotals(rows);
    const totals = `合计：应交 ${formatYuan(t.dueFen)} 元，已交 ${formatYuan(t.paidFen)} 元，待确认 ${formatYuan(t.pendingFen)} 元，`
      + `未交 ${formatYuan(t.owedFen)} 元${t.advanceFen ? `，预交 ${formatYuan(t.advanceFen)} 元` : ''}。`;
    return {
      kind: 'card',
      title: `${branch.name} · ${year}年党费台账`,
      text: `${rows.map((r) => rowLine(r, currentMonth)).join('\n')}\n\n${totals}`,
      buttons: [{ label: '导出 Excel', command: `党费 导出 ${year}` }],
    };
  },
});

export const duesExport = command({
  name: '党费 导出',
  aliases: ['dues export'],
  args: { year: arg.year('年份').optional() },
  options: branchOption,
  access: LEDGER_ROLES,
  chat: 'private',
  help: '把本支部某年的党费台账和交纳记录导出为 Excel（.xlsx）文件',
  examples: ['党费 导出 2026'],
  run: async ({ year: y, branch: name }, ctx) => {
    const branch = await targetBranch(ctx, name);
    const year = y ?? Number(localMonth(ctx.now, ctx.tz).slice(0, 4));
    const { rows } = await yearData(ctx, branch.id, year);
    const from = `${year}-01`;
    const to = `${year}-12`;
    // A payment belongs to the year if any month it covers is in the year.
    const payments = await ctx.db.select().from(duesPayments)
      .where(and(eq(duesPayments.tenantId, ctx.tenant.id), eq(duesPayments.branchId, branch.id),
        sql`exists (select 1 from unnest(${duesPayments.months}) m where m between ${from} and ${to})`))
      .orderBy(asc(duesPayments.id));
    const ids = [...new Set(payments.flatMap((p) => [p.memberId, p.recordedBy, ...(p.confirmedBy ? [p.confirmedBy] : [])]))];
    const people = ids.length
      ? await ctx.db.select({ id: members.id, name: members.name }).from(members)
        .where(and(eq(members.tenantId, ctx.tenant.id), inArray(members.id, ids)))
      : [];
    const generatedAt = formatDateTime(ctx.now, ctx.tz);
    const content = await duesWorkbook({
      branchName: branch.name, year, rows, payments, names: new Map(people.map((p) => [p.id, p.name])), generatedAt, tz: ctx.tz,
    });
    const t = yearTotals(rows);
    const reply = await fileReply(ctx.db, {
      tenantId: ctx.tenant.id, now: ctx.now, content,
      fileName: `${branch.name}-党费台账-${year}-${generatedAt.replace(/\D/g, '')}.xlsx`,
      caption: `已导出“${branch.name}”${year}年党费台账：${rows.length} 名党员、${payments.length} 笔交纳记录；`
        + `应交 ${formatYuan(t.dueFen)} 元，已交 ${formatYuan(t.paidFen)} 元，未交 ${formatYuan(t.owedFen)} 元。`,
    });
    await ctx.audit({ action: 'export', entity: 'dues_ledger', entityId: branch.id, after: { year, file: reply.fileName } });
    return reply;
  },
});

export const duesViewCommands = [duesUnpaid, duesLedger, duesExport];
