import { eq } from 'drizzle-orm';
import { branches, chats } from '../db/schema/index.ts';
import { arg, option } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { UserError } from '../src/bot/errors.ts';
import type { BranchRole } from '../src/bot/roles.ts';
import { WEEKDAYS_ZH } from '../src/bot/time.ts';
import type { CardReply, Reply } from '../src/bot/types.ts';
import { addMonths, localMonth } from '../src/domain/calendar.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { targetBranch } from '../src/org/members.ts';
import { updateTenantSettings } from '../src/org/tenant-settings.ts';
import { nextMoment } from '../src/summary/figures.ts';
import { monthScores, scoreMonths } from '../src/summary/month.ts';
import {
  boundChat, branchOfChat, branchWeek, momentLabel, scheduleNote, secretaryView,
} from '../src/summary/on-demand.ts';
import { adminCards, secretaryCard } from '../src/summary/scorecard-card.ts';
import { weeklyCard } from '../src/summary/weekly-card.ts';

const SECRETARIES: readonly BranchRole[] = ['书记', '副书记'];
const text = (t: string): Reply => ({ kind: 'text', text: t });
const branchOption = { branch: option('支部', arg.text('支部名称').optional()) };

export const summaryShow = command({
  name: '周报',
  aliases: ['summary'],
  options: branchOption,
  access: { roles: SECRETARIES },
  chat: 'private',
  help: '查看本支部近一周的工作小结（与每周发到支部群的内容相同），以及发送时间',
  examples: ['周报', '周报 支部:第二党支部'],
  run: async ({ branch: name }, ctx) => secretaryView(ctx, await targetBranch(ctx, name)),
});

export const summaryPreview = command({
  name: '周报 预览',
  aliases: ['summary preview'],
  options: branchOption,
  access: { roles: SECRETARIES },
  help: '预览发到支部群的工作小结；在群里发送则预览本群将收到的内容',
  examples: ['周报 预览'],
  run: async ({ branch: name }, ctx) => {
    const branch = ctx.message.chat.kind === 'group' && name === undefined
      ? await branchOfChat(ctx, await boundChat(ctx))
      : await targetBranch(ctx, name);
    const f = await branchWeek(ctx, branch);
    const card = weeklyCard(f, ctx.tz);
    return { ...card, title: `【预览】${card.title}`, text: `${card.text}\n\n${scheduleNote(ctx, f)}` };
  },
});

async function setEnabled(ctx: CommandContext, on: boolean): Promise<Reply> {
  const chat = await boundChat(ctx);
  const branch = await branchOfChat(ctx, chat);
  if (chat.summaryEnabled === on) return text(`本群的每周工作小结已经是${on ? '开启' : '关闭'}状态。`);
  const [after] = await ctx.db.update(chats).set({ summaryEnabled: on }).where(eq(chats.id, chat.id)).returning();
  await ctx.audit({ action: on ? 'summary-on' : 'summary-off', entity: 'chat', entityId: chat.id,
    before: { summaryEnabled: chat.summaryEnabled }, after: { summaryEnabled: after!.summaryEnabled } });
  if (!on) return text(`已关闭本群的每周工作小结（${branch.name}）。需要时发送“周报 开启”。`);
  const next = nextMoment(ctx.now, ctx.tz, parseSettings(ctx.tenant.settings).weeklySummary);
  return text(`已开启本群的每周工作小结（${branch.name}），下次发送：${momentLabel(next, ctx.tz)}。只含汇总数字，不含个人党费金额；没有需要告知的事项的那一周不发送。`);
}

export const summaryOn = command({
  name: '周报 开启',
  aliases: ['summary on'],
  access: { roles: SECRETARIES },
  chat: 'group',
  help: '本群开始接收每周工作小结',
  examples: ['周报 开启'],
  run: (_input, ctx) => setEnabled(ctx, true),
});

export const summaryOff = command({
  name: '周报 关闭',
  aliases: ['summary off'],
  access: { roles: SECRETARIES },
  chat: 'group',
  help: '本群不再接收每周工作小结',
  examples: ['周报 关闭'],
  run: (_input, ctx) => setEnabled(ctx, false),
});

const WEEKDAY_ALIASES: Record<string, (typeof WEEKDAYS_ZH)[number]> = {
  星期一: '周一', 星期二: '周二', 星期三: '周三', 星期四: '周四', 星期五: '周五', 星期六: '周六', 星期日: '周日', 星期天: '周日', 周天: '周日',
  1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六', 7: '周日',
};

export const summaryTime = command({
  name: '周报 时间',
  aliases: ['summary time'],
  args: { weekday: arg.choice('星期', WEEKDAYS_ZH, WEEKDAY_ALIASES), time: arg.text('时间（HH:MM）') },
  access: 'admin',
  help: '设置全单位每周工作小结的发送时间（默认周五 17:00）',
  examples: ['周报 时间 周五 17:00', '周报 时间 周一 09:00'],
  run: async ({ weekday, time }, ctx) => {
    const hhmm = /^\d:\d\d$/.test(time) ? `0${time}` : time.replace('：', ':');
    const updated = await updateTenantSettings(ctx, { weeklySummary: { weekday: WEEKDAYS_ZH.indexOf(weekday) + 1, time: hhmm } }, '例如“周报 时间 周五 17:00”。');
    const next = nextMoment(ctx.now, ctx.tz, updated.weeklySummary);
    return text(`已设置：每${weekday} ${hhmm} 发送支部工作小结（15分钟内送出）。下次发送：${momentLabel(next, ctx.tz)}。`);
  },
});

export const scorecardShow = command({
  name: '月报',
  aliases: ['scorecard'],
  args: { month: arg.month('月份').optional() },
  options: branchOption,
  access: { roles: SECRETARIES },
  chat: 'private',
  help: '查看支部月度工作简报（默认上月）：组织生活、党费收缴、谈心谈话覆盖，与前一月对照；管理员可看各支部并列',
  examples: ['月报', '月报 2026-11', '月报 支部:第二党支部'],
  run: async ({ month, branch: name }, ctx) => {
    const key = month ?? addMonths(localMonth(ctx.now, ctx.tz), -1);
    if (key > localMonth(ctx.now, ctx.tz)) throw new UserError(`${key} 还没有到，无法生成简报。`);
    const { previous } = scoreMonths(key, ctx.tz);
    if (ctx.asker.isAdmin && name === undefined) return allBranches(ctx, key);
    const b = await targetBranch(ctx, name);
    const [score] = await monthScores(ctx.db, ctx.tenant, [{ id: b.id, name: b.name, parentOrg: b.parentOrg }], key, ctx.tz);
    return secretaryCard(score!, key, previous.key);
  },
});

/** Admins see every branch; pages after the first follow as separate messages. */
async function allBranches(ctx: CommandContext, key: string): Promise<CardReply> {
  const list = await ctx.db.select({ id: branches.id, name: branches.name, parentOrg: branches.parentOrg }).from(branches)
    .where(eq(branches.tenantId, ctx.tenant.id)).orderBy(branches.id);
  if (!list.length) throw new UserError('还没有任何支部。');
  const [first, ...rest] = adminCards(await monthScores(ctx.db, ctx.tenant, list, key, ctx.tz), key, ctx.tenant.name);
  const recipient = { platform: ctx.message.platform, kind: 'user' as const, id: ctx.asker.userId, tenantKey: ctx.message.tenantKey };
  for (const [i, reply] of rest.entries()) {
    await ctx.enqueue({ recipient, reply, kind: 'reply', dedupeKey: `scorecard-view:${ctx.message.platform}:${ctx.message.messageId}:${i + 2}` });
  }
  return first!;
}

export const summaryCommands = [summaryShow, summaryPreview, summaryOn, summaryOff, summaryTime, scorecardShow];
