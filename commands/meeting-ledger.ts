import { eq } from 'drizzle-orm';
import { tenants } from '../db/schema/index.ts';
import { arg, option } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { PermissionError, UserError } from '../src/bot/errors.ts';
import { COMMITTEE_ROLES } from '../src/bot/roles.ts';
import { formatDate, formatDateTime } from '../src/bot/time.ts';
import type { CardReply } from '../src/bot/types.ts';
import { localParts, zonedInstant } from '../src/domain/calendar.ts';
import { COMMITTEE_MIN_FULL_MEMBERS, MEETING_KINDS, MEETING_LABELS } from '../src/domain/meetings.ts';
import { mergeSettings, parseSettings, validateSettingsPatch, type TenantSettings } from '../src/domain/settings.ts';
import { ledgerWorkbook } from '../src/meetings/export.ts';
import { fileReply } from '../src/files/export-files.ts';
import { CADENCE_LABELS, kindOrRefuse, meetingTitle } from '../src/meetings/format.ts';
import { ledgerLines, yearCompliance } from '../src/meetings/ledger.ts';
import { loadRecords } from '../src/meetings/store.ts';
import { targetBranch } from '../src/org/members.ts';

const branchOption = { branch: option('支部', arg.text('支部名称').optional()) };

/** Everything the ledger and the export show for one branch and year. */
async function yearData(ctx: CommandContext, branchName: string | undefined, year: number) {
  const branch = await targetBranch(ctx, branchName);
  const start = zonedInstant(year, 1, 1, 0, 0, ctx.tz);
  if (start > ctx.now) throw new UserError(`${year}年还没有开始，暂无台账。`);
  const cadences = parseSettings(ctx.tenant.settings).meetingCadences;
  const { shape, entries: compliance } = await yearCompliance(ctx.db, ctx.tenant.id, branch.id, year, ctx.now, ctx.tz, cadences);
  const records = await loadRecords(ctx.db, ctx.tenant.id, {
    branchId: branch.id, status: 'held', from: start, to: zonedInstant(year + 1, 1, 1, 0, 0, ctx.tz),
  });
  return { branch, compliance, records, cadences, shape };
}

export const meetingLedger = command({
  name: '会议 台账',
  aliases: ['meeting ledger'],
  args: { year: arg.year('年份').optional() },
  options: branchOption,
  access: { roles: COMMITTEE_ROLES },
  help: '查看本支部一年的三会一课台账：应开会议是否按期召开，已登记的会议',
  examples: ['会议 台账', '会议 台账 2026'],
  run: async (input, ctx) => {
    const year = input.year ?? localParts(ctx.now, ctx.tz).year;
    const { branch, compliance, records, cadences, shape } = await yearData(ctx, input.branch, year);
    const notes: string[] = [`截至 ${formatDate(ctx.now, ctx.tz)}。`];
    if (cadences.支部委员会 !== 'none' && shape.fullMemberCount < COMMITTEE_MIN_FULL_MEMBERS) {
      notes.push(`本支部正式党员不足${COMMITTEE_MIN_FULL_MEMBERS}人，不设支部委员会，不要求召开支委会。`);
    }
    const due = ledgerLines(compliance, ctx.tz).map((l) => `${l.label}：${l.value}`);
    const lines = ['**应开会议**', ...(due.length ? due : ['（无）'])];
    lines.push('', `**已登记的会议（${records.length}）**`);
    for (const r of records) {
      const present = r.attendance.filter((a) => a.present).length;
      lines.push(`#${r.id} ${formatDateTime(r.heldAt, ctx.tz).slice(5)} ${meetingTitle(r.kind, r.groupName)}`
        + `${r.topic ? `“${r.topic}”` : ''}，实到 ${present}/${r.attendance.length} 人`);
    }
    if (!records.length) lines.push('（无）');
    return {
      kind: 'card', title: `${branch.name} · ${year}年组织生活台账`, tone: 'info',
      text: [notes.join(''), '', ...lines].join('\n'),
      buttons: [{ label: '导出 Excel', command: `会议 导出 ${year}` }],
    } satisfies CardReply;
  },
});

export const meetingExport = command({
  name: '会议 导出',
  aliases: ['meeting export'],
  args: { year: arg.year('年份') },
  options: branchOption,
  access: { roles: COMMITTEE_ROLES },
  // The ledger names the absent and their reasons: it goes to the asker alone, never to a group.
  chat: 'private',
  help: '把一年的会议记录和落实情况导出为 Excel 台账',
  examples: ['会议 导出 2026'],
  run: async (input, ctx) => {
    const { branch, compliance, records } = await yearData(ctx, input.branch, input.year);
    const title = `${branch.name}${input.year}年三会一课台账`;
    const content = await ledgerWorkbook({ title, records, compliance, tz: ctx.tz, now: ctx.now });
    const stamp = formatDateTime(ctx.now, ctx.tz).replace(/\D/g, '');
    const count = (s: string) => compliance.filter((e) => e.status === s).length;
    await ctx.audit({ action: 'meeting.export', entity: 'branch', entityId: branch.id, after: { year: input.year, records: records.length } });
    return fileReply(ctx.db, {
      tenantId: ctx.tenant.id, now: ctx.now, content, fileName: `${title}-${stamp}.xlsx`,
      caption: `已导出${title}：会议记录 ${records.length} 条；应开会议已召开 ${count('held')} 项，`
        + `未召开 ${count('missing')} 项，尚未到期 ${count('open')} 项。`,
    });
  },
});

function cadenceCard(s: TenantSettings, title: string): CardReply {
  return {
    kind: 'card', title, tone: 'info',
    fields: [
      ...MEETING_KINDS.map((k) => ({ label: MEETING_LABELS[k], value: CADENCE_LABELS[s.meetingCadences[k]] })),
      { label: '到期提醒', value: `期末前 ${s.meetingReminderDays.join('、')} 天提醒书记和组织委员；逾期次日再提醒一次` },
    ],
    text: `支委会仅在正式党员${COMMITTEE_MIN_FULL_MEMBERS}人以上的支部要求召开；党小组会按每个党小组分别计算。`,
  };
}

export const meetingCadence = command({
  name: '会议 频次',
  aliases: ['meeting cadence'],
  args: { what: arg.text('会议类型').optional(), cadence: arg.text('频次：每月/每季度/每年/不要求').optional() },
  options: { days: option(['提醒'], arg.text('提前提醒天数，如 7,2').optional()) },
  access: { roles: COMMITTEE_ROLES },
  help: '查看各类会议的召开频次和到期提醒；管理员可修改（如党课按本单位规定）',
  examples: ['会议 频次', '会议 频次 党课 每年', '会议 频次 提醒:10,3'],
  run: async ({ what, cadence, days }, ctx) => {
    const current = parseSettings(ctx.tenant.settings);
    if (what === undefined && days === undefined) return cadenceCard(current, '会议频次');
    if (!ctx.asker.isAdmin) throw new PermissionError('会议频次是全单位的设置，只有管理员可以修改。');
    const patch: Record<string, unknown> = {};
    if (what !== undefined) {
      if (cadence === undefined) throw new UserError('请写明频次：每月、每季度、每年或不要求。例如“会议 频次 党课 每年”。');
      patch.meetingCadences = { [kindOrRefuse(what)]: cadence };
    }
    if (days !== undefined) patch.meetingReminderDays = days.split(/[,，、]/).map((d) => (/^\d+$/.test(d.trim()) ? Number(d) : d));
    const checked = validateSettingsPatch(patch);
    if (!checked.ok) throw new UserError(checked.errors.join('；'));
    const settings = mergeSettings(ctx.tenant.settings, checked.patch);
    await ctx.db.update(tenants).set({ settings }).where(eq(tenants.id, ctx.tenant.id));
    await ctx.audit({ action: 'update', entity: 'tenant-settings', entityId: ctx.tenant.id, before: ctx.tenant.settings, after: settings });
    return cadenceCard(parseSettings(settings), '已更新会议频次');
  },
});

export const meetingLedgerCommands = [meetingLedger, meetingExport, meetingCadence];
