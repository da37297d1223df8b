import { and, asc, eq, sql } from 'drizzle-orm';
import { branches, chats, members, partyGroups } from '../db/schema/index.ts';
import { arg, option } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { WEEKDAYS_ZH } from '../src/bot/time.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { findBranchByName, targetBranch } from '../src/org/members.ts';
import { nextMoment } from '../src/summary/figures.ts';
import { momentLabel } from '../src/summary/on-demand.ts';

const text = (t: string) => ({ kind: 'text' as const, text: t });
const termOptions = {
  parent: option(['上级', '上级党组织'], arg.text('上级党组织').optional()),
  termStart: option(['任期开始', '换届日期'], arg.date('任期开始日期').optional()),
  termEnd: option(['任期结束', '任期届满'], arg.date('任期届满日期').optional()),
};

export const branchCreate = command({
  name: '支部 新建',
  aliases: ['branch create'],
  args: { name: arg.text('支部名称', { max: 60 }) },
  options: termOptions,
  access: 'admin',
  help: '新建一个党支部',
  examples: ['支部 新建 第一党支部', '支部 新建 第二党支部 上级:公司党委 任期开始:2024-01-10 任期结束:2027-01-09'],
  run: async ({ name, parent, termStart, termEnd }, ctx) => {
    if (await findBranchByName(ctx.db, ctx.tenant.id, name)) throw new UserError(`支部“${name}”已存在。`);
    if (termStart && termEnd && termEnd <= termStart) throw new UserError('任期届满日期应晚于任期开始日期。');
    const [row] = await ctx.db.insert(branches)
      .values({ tenantId: ctx.tenant.id, name, parentOrg: parent ?? null, termStart: termStart ?? null, termEnd: termEnd ?? null })
      .returning();
    await ctx.audit({ action: 'create', entity: 'branch', entityId: row!.id, after: row });
    return text(`已新建“${name}”。下一步：“成员 添加 <姓名> 身份:正式党员 职务:书记 支部:${name}”。`);
  },
});

export const branchSettings = command({
  name: '支部 设置',
  aliases: ['branch set'],
  args: { name: arg.text('支部名称').optional() },
  options: termOptions,
  access: { roles: ['书记', '副书记'] },
  help: '设置支部的上级党组织和委员会任期（用于换届提醒）',
  examples: ['支部 设置 上级:公司党委 任期开始:2024-01-10 任期结束:2027-01-09'],
  run: async ({ name, parent, termStart, termEnd }, ctx) => {
    const branch = await targetBranch(ctx, name);
    if (parent === undefined && termStart === undefined && termEnd === undefined) {
      throw new UserError('请至少设置一项：上级、任期开始、任期结束。');
    }
    const next = {
      parentOrg: parent ?? branch.parentOrg,
      termStart: termStart ?? branch.termStart,
      termEnd: termEnd ?? branch.termEnd,
    };
    if (next.termStart && next.termEnd && next.termEnd <= next.termStart) throw new UserError('任期届满日期应晚于任期开始日期。');
    const [row] = await ctx.db.update(branches).set(next).where(eq(branches.id, branch.id)).returning();
    await ctx.audit({ action: 'update', entity: 'branch', entityId: branch.id, before: branch, after: row });
    return text(`已更新“${branch.name}”：上级党组织 ${next.parentOrg ?? '未设置'}，任期 ${next.termStart ?? '?'} 至 ${next.termEnd ?? '?'}。`);
  },
});

export const branchList = command({
  name: '支部 列表',
  aliases: ['branch list'],
  access: 'member',
  help: '列出本单位的党支部',
  run: async (_input, ctx) => {
    const rows = await ctx.db
      .select({ name: branches.name, termEnd: branches.termEnd, n: sql<number>`count(${members.id})::int` })
      .from(branches)
      .leftJoin(members, and(eq(members.branchId, branches.id), eq(members.active, true)))
      .where(eq(branches.tenantId, ctx.tenant.id))
      .groupBy(branches.id)
      .orderBy(asc(branches.id));
    if (!rows.length) return text('还没有任何支部。管理员可发送“支部 新建 <支部名称>”。');
    return {
      kind: 'card',
      title: '党支部',
      fields: rows.map((r) => ({ label: r.name, value: `${r.n} 人${r.termEnd ? `，任期至 ${r.termEnd}` : ''}` })),
    };
  },
});

export const branchBindChat = command({
  name: '支部 绑定群',
  aliases: ['branch bind'],
  args: { name: arg.text('支部名称').optional() },
  access: { roles: ['书记', '副书记'] },
  chat: 'group',
  help: '把当前群绑定到支部，之后本群每周收到支部工作小结',
  examples: ['支部 绑定群 第一党支部'],
  run: async ({ name }, ctx) => {
    const branch = await targetBranch(ctx, name);
    const chat = ctx.message.chat;
    const values = { tenantId: ctx.tenant.id, platform: ctx.message.platform, chatId: chat.id, branchId: branch.id, title: chat.title ?? null };
    const [before] = await ctx.db.select().from(chats)
      .where(and(eq(chats.tenantId, ctx.tenant.id), eq(chats.platform, values.platform), eq(chats.chatId, chat.id)));
    const [row] = await ctx.db.insert(chats).values(values)
      .onConflictDoUpdate({ target: [chats.tenantId, chats.platform, chats.chatId], set: { branchId: branch.id, title: values.title } })
      .returning();
    await ctx.audit({ action: 'bind', entity: 'chat', entityId: row!.id, before: before ?? null, after: row });
    // The tenant may have moved the weekly summary (周报 时间): say when it really goes out.
    const weekly = parseSettings(ctx.tenant.settings).weeklySummary;
    const next = momentLabel(nextMoment(ctx.now, ctx.tz, weekly), ctx.tz);
    return text(`本群已绑定“${branch.name}”。每${WEEKDAYS_ZH[weekly.weekday - 1]} ${weekly.time} 发送支部工作小结（只含汇总数字，不含个人党费金额），下次：${next}；“周报 关闭”可停用。`);
  },
});

export const partyGroupCreate = command({
  name: '党小组 新建',
  aliases: ['group create'],
  args: { name: arg.text('党小组名称', { max: 60 }) },
  options: { branch: option('支部', arg.text('支部名称').optional()) },
  access: { roles: ['书记', '副书记', '组织委员'] },
  help: '在支部内新建党小组',
  examples: ['党小组 新建 第一党小组'],
  run: async ({ name, branch: branchName }, ctx) => {
    const branch = await targetBranch(ctx, branchName);
    const inserted = await ctx.db.insert(partyGroups).values({ tenantId: ctx.tenant.id, branchId: branch.id, name })
      .onConflictDoNothing().returning();
    if (!inserted.length) throw new UserError(`“${branch.name}”已有党小组“${name}”。`);
    await ctx.audit({ action: 'create', entity: 'party_group', entityId: inserted[0]!.id, after: inserted[0] });
    return text(`已在“${branch.name}”新建党小组“${name}”。用“成员 设置 <姓名> 党小组:${name}”编入成员。`);
  },
});

export const branchCommands = [branchCreate, branchSettings, branchList, branchBindChat, partyGroupCreate];
