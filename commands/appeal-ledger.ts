/** 问题台账 and figures for the branch 书记/副书记 (and admins): `诉求 台账`, `诉求 统计`, `诉求 导出`. */
import { ledgerWorkbook } from '../src/appeals/export.ts';
import { fileReply } from '../src/files/export-files.ts';
import { branchFigures, categoryCounts, percent, stars, type AppealFigures, type Span } from '../src/appeals/figures.ts';
import { stateLabel } from '../src/appeals/format.ts';
import { ledgerRows, recurringTerms } from '../src/appeals/ledger.ts';
import { arg, option } from '../src/bot/args.ts';
import { command, type AnyCommand } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { UserError } from '../src/bot/errors.ts';
import { formatMonth } from '../src/bot/time.ts';
import { parseMonth, parseYear } from '../src/bot/dates.ts';
import { localMonth, periodFromKey, type Period } from '../src/domain/calendar.ts';
import { targetBranch } from '../src/org/members.ts';

const OFFICERS = { roles: ['书记', '副书记'] } as const;
const args = { period: arg.text('月份或年份，例如 2026-11、本月、2026').optional() };
const options = { branch: option('支部', arg.text('支部名称', { max: 60 }).optional()) };
const MAX_LINES = 30;

function periodOf(ctx: CommandContext, text: string | undefined): Period {
  if (!text) return periodFromKey(localMonth(ctx.now, ctx.tz), ctx.tz)!;
  const m = parseMonth(text, ctx.now, ctx.tz);
  if (m) return periodFromKey(formatMonth(m), ctx.tz)!;
  const y = /^\d{4}/.test(text) || /年/.test(text) ? parseYear(text, ctx.now, ctx.tz) : null;
  if (y !== null) return periodFromKey(String(y), ctx.tz)!;
  throw new UserError(`“${text}”不是月份或年份，例如 2026-11、本月、上月、2026。`);
}

const label = (p: Period) => (p.kind === 'year' ? `${p.key}年` : `${p.key.slice(0, 4)}年${Number(p.key.slice(5))}月`);

function figureLines(f: AppealFigures): string {
  return `收到 ${f.received} 件，办结 ${f.resolved} 件，按时办结率 ${percent(f.onTimeRate)}，办结率 ${percent(f.closureRate)}，`
    + `平均满意度 ${stars(f.averageRating)}（${f.rated} 人评价）`;
}

async function gather(ctx: CommandContext, input: { period?: string; branch?: string }) {
  const branch = await targetBranch(ctx, input.branch);
  const period = periodOf(ctx, input.period);
  const span: Span = period;
  const [rows, figures, categories] = await Promise.all([
    ledgerRows(ctx.db, ctx.tenant.id, branch.id, span),
    branchFigures(ctx.db, ctx.tenant.id, branch.id, span),
    categoryCounts(ctx.db, ctx.tenant.id, branch.id, span),
  ]);
  return { branch, period, rows, figures, categories, terms: recurringTerms(rows) };
}

function topics(g: Awaited<ReturnType<typeof gather>>): string {
  const cats = g.categories.map((c) => `${c.category} ${c.count}件`).join('、') || '无';
  const words = g.terms.map((t) => `${t.term}（${t.count}）`).join('、') || '暂无反复出现的问题';
  return `**类别**：${cats}\n**高频问题**：${words}`;
}

export const appealLedger = command({
  name: '诉求 台账',
  aliases: ['appeal ledger'],
  args, options,
  access: OFFICERS,
  chat: 'private',
  help: '本支部某月（默认本月）的诉求台账：逐件状态、类别分布和高频问题',
  examples: ['诉求 台账', '诉求 台账 2026-11', '诉求 台账 上月 支部:第二党支部'],
  run: async (input, ctx) => {
    const g = await gather(ctx, input);
    const lines = g.rows.slice(0, MAX_LINES).map(({ appeal: a, submitter, handler }) =>
      `${a.number} ${a.category} ${submitter} → ${handler ?? '待分派'} ${stateLabel(a.state)}`
      + `${a.resolvedOnTime === false ? '（超时）' : ''}${a.rating !== null ? ` ${a.rating}分` : ''}`);
    const more = g.rows.length > MAX_LINES ? `\n……共 ${g.rows.length} 件，完整台账请导出。` : '';
    return {
      kind: 'card', title: `${g.branch.name} · ${label(g.period)}诉求台账`, tone: 'info',
      text: `${figureLines(g.figures)}\n\n${lines.join('\n') || '本期没有收到诉求。'}${more}\n\n${topics(g)}`
        + `\n\n导出表格：诉求 导出 ${g.period.key}`,
    };
  },
});

export const appealStats = command({
  name: '诉求 统计',
  aliases: ['appeal stats'],
  args, options,
  access: OFFICERS,
  chat: 'private',
  help: '本支部某月（默认本月）或某年的诉求统计：办结率、按时办结率、满意度、高频问题',
  examples: ['诉求 统计', '诉求 统计 2026-11', '诉求 统计 2026'],
  run: async (input, ctx) => {
    const g = await gather(ctx, input);
    const f = g.figures;
    return {
      kind: 'card', title: `${g.branch.name} · ${label(g.period)}诉求统计`, tone: 'info',
      fields: [
        { label: '收到', value: `${f.received}件` }, { label: '办结', value: `${f.resolved}件` },
        { label: '按时办结率', value: percent(f.onTimeRate) }, { label: '办结率', value: percent(f.closureRate) },
        { label: '平均满意度', value: `${stars(f.averageRating)}（${f.rated}人评价）` },
      ],
      text: topics(g),
    };
  },
});

export const appealExport = command({
  name: '诉求 导出',
  aliases: ['appeal export'],
  args, options,
  access: OFFICERS,
  chat: 'private',
  help: '把某月（默认本月）或某年的诉求台账导出为 Excel 表格',
  examples: ['诉求 导出 2026-11', '诉求 导出 2026'],
  run: async (input, ctx) => {
    const g = await gather(ctx, input);
    const title = `${g.branch.name}${label(g.period)}诉求台账`;
    const content = await ledgerWorkbook({ title, ...g, tz: ctx.tz, now: ctx.now });
    await ctx.audit({ action: 'appeal.export', entity: 'branch', entityId: g.branch.id, after: { period: g.period.key, rows: g.rows.length } });
    return fileReply(ctx.db, {
      tenantId: ctx.tenant.id, now: ctx.now, content, fileName: `诉求台账-${g.branch.name}-${g.period.key}.xlsx`,
      caption: `已导出${title}（${g.rows.length}件）。`,
    });
  },
});

export const appealLedgerCommands: AnyCommand[] = [appealLedger, appealStats, appealExport];
