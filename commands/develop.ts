import { arg } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { UserError } from '../src/bot/errors.ts';
import type { BranchRole } from '../src/bot/roles.ts';
import { localDate } from '../src/domain/calendar.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { ledgerWorkbook } from '../src/development/export.ts';
import { fileReply } from '../src/files/export-files.ts';
import { ledgerCard } from '../src/development/ledger.ts';
import { branchLedger, memberById, stepsOf } from '../src/development/store.ts';
import { timelineCard } from '../src/development/timeline.ts';
import { assertInBranch, findMember, targetBranch } from '../src/org/members.ts';
import { developRecordCommands } from './develop-record.ts';

/** Who may read other people's development records (they hold 政审 and the like). */
const READERS: readonly BranchRole[] = ['书记', '副书记', '组织委员'];

const settingsOf = (ctx: CommandContext) => parseSettings(ctx.tenant.settings).development;
const today = (ctx: CommandContext) => localDate(ctx.now, ctx.tz);

export const developView = command({
  name: '发展',
  aliases: ['develop'],
  args: { who: arg.text('姓名、工号或@某人（不写为本人）', { max: 40 }).optional() },
  access: 'member',
  chat: 'private',
  help: '查看一个人的发展党员记录：各步骤日期、下一步和时间节点（本人可看自己的）',
  examples: ['发展 王五', '发展'],
  run: async ({ who }, ctx) => {
    const me = ctx.asker.member;
    let person;
    if (who === undefined) {
      if (!me) throw new UserError('您的账号尚未绑定成员信息。查看他人的记录请写明姓名，例如“发展 王五”。');
      person = await memberById(ctx.db, ctx.tenant.id, me.id);
    } else {
      person = await findMember(ctx, who);
    }
    if (person.id !== me?.id) {
      if (!ctx.asker.isAdmin && !READERS.some((r) => me?.roles.includes(r))) {
        throw new UserError(`发展党员记录仅本人和${READERS.join('、')}可以查看。`);
      }
      assertInBranch(ctx, person.branchId);
    }
    const rows = await stepsOf(ctx.db, ctx.tenant.id, person.id);
    return timelineCard(person, rows, settingsOf(ctx), today(ctx));
  },
});

export const developLedger = command({
  name: '发展 台账',
  aliases: ['develop ledger'],
  args: { branch: arg.text('支部名称（不写为本支部）').optional() },
  access: { roles: READERS },
  chat: 'private',
  help: '查看本支部发展党员台账：每人所处阶段、最近步骤和时间节点',
  examples: ['发展 台账'],
  run: async ({ branch: name }, ctx) => {
    const branch = await targetBranch(ctx, name);
    const people = await branchLedger(ctx.db, ctx.tenant.id, branch.id);
    return ledgerCard(branch.name, people, settingsOf(ctx), today(ctx));
  },
});

export const developExport = command({
  name: '发展 导出',
  aliases: ['发展 台账 导出', 'develop export'],
  args: { branch: arg.text('支部名称（不写为本支部）').optional() },
  access: { roles: READERS },
  chat: 'private',
  help: '导出本支部发展党员工作台账（Excel）',
  examples: ['发展 导出'],
  run: async ({ branch: name }, ctx) => {
    const branch = await targetBranch(ctx, name);
    const people = await branchLedger(ctx.db, ctx.tenant.id, branch.id);
    const day = today(ctx);
    const content = await ledgerWorkbook({ branchName: branch.name, people, settings: settingsOf(ctx), today: day, now: ctx.now, tz: ctx.tz });
    const steps = people.reduce((n, p) => n + p.steps.length, 0);
    const byStatus = new Map<string, number>();
    for (const p of people) byStatus.set(p.member.status, (byStatus.get(p.member.status) ?? 0) + 1);
    const summary = [...byStatus].map(([s, n]) => `${s}${n}人`).join('、');
    const reply = await fileReply(ctx.db, {
      tenantId: ctx.tenant.id, now: ctx.now, content, fileName: `发展党员台账_${branch.name}_${day}.xlsx`,
      caption: `已导出${branch.name}发展党员台账：共${people.length}人${summary ? `（${summary}）` : ''}，${steps}条步骤记录。`,
    });
    await ctx.audit({ action: 'development.export', entity: 'branch', entityId: branch.id, after: { file: reply.fileName, people: people.length } });
    return reply;
  },
});

export const developCommands = [developView, developLedger, developExport, ...developRecordCommands];
