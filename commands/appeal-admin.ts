/** Setting up appeals: who handles which category in a branch, and the time limits per category. */
import { and, asc, eq } from 'drizzle-orm';
import { appealCategoryLimits, appealRoutes, tenants } from '../db/schema/index.ts';
import { ALL_CATEGORIES, parseTarget, targetLabel } from '../src/appeals/routing.ts';
import { limitsText } from '../src/appeals/format.ts';
import { loadSlaContext } from '../src/appeals/sla.ts';
import { memberNames } from '../src/appeals/store.ts';
import { arg, option } from '../src/bot/args.ts';
import { command, type AnyCommand } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import type { Reply } from '../src/bot/types.ts';
import { mergeSettings, parseSettings, validateSettingsPatch } from '../src/domain/settings.ts';
import { targetBranch } from '../src/org/members.ts';
import { workdayCommands } from './appeal-workdays.ts';

const text = (t: string): Reply => ({ kind: 'text', text: t });
const branchOption = { branch: option('支部', arg.text('支部名称', { max: 60 }).optional()) };

function category(ctx: { tenant: { settings: unknown } }, c: string): string {
  if (c === '全部') return ALL_CATEGORIES;
  const list = parseSettings(ctx.tenant.settings).appealCategories;
  if (!list.includes(c)) throw new UserError(`没有“${c}”这个诉求类别，可选：${list.join('、')}，或写“全部”。`);
  return c;
}

export const appealRoute = command({
  name: '诉求 分派',
  aliases: ['appeal route'],
  args: { category: arg.text('类别（或“全部”）', { max: 30 }), handler: arg.text('承办人（@某人、姓名或职务）', { max: 40 }) },
  options: branchOption,
  access: { roles: ['书记'] },
  help: '设置本支部某类诉求由谁承办（一个人或一个职务）；未设置的由书记承办',
  examples: ['诉求 分派 安全生产 @李四', '诉求 分派 全部 副书记', '诉求 分派 薪酬福利 王五 支部:第二党支部'],
  run: async (input, ctx) => {
    const branch = await targetBranch(ctx, input.branch);
    const cat = category(ctx, input.category);
    const target = await parseTarget(ctx, input.handler);
    if ('member' in target && target.member.branchId !== branch.id && !ctx.asker.isAdmin) {
      throw new UserError('书记只能指定本支部的成员承办；由支部以外的人（如工会、人力资源部门）承办，请管理员设置。');
    }
    const values = {
      tenantId: ctx.tenant.id, branchId: branch.id, category: cat, updatedAt: ctx.now,
      handlerId: 'member' in target ? target.member.id : null, handlerRole: 'role' in target ? target.role : null,
    };
    const [before] = await ctx.db.select().from(appealRoutes).where(and(eq(appealRoutes.tenantId, ctx.tenant.id),
      eq(appealRoutes.branchId, branch.id), eq(appealRoutes.category, cat))).limit(1);
    const [row] = await ctx.db.insert(appealRoutes).values(values).onConflictDoUpdate({
      target: [appealRoutes.tenantId, appealRoutes.branchId, appealRoutes.category],
      set: { handlerId: values.handlerId, handlerRole: values.handlerRole, updatedAt: ctx.now },
    }).returning();
    await ctx.audit({ action: 'appeal.route', entity: 'appeal_route', entityId: row!.id, before: before ?? null, after: row });
    const what = cat === ALL_CATEGORIES ? '各类诉求（另有设置的类别除外）' : `“${cat}”类诉求`;
    return text(`已设置：${branch.name}的${what}由${targetLabel(target)}承办。此后提交的诉求按此分派。`);
  },
});

export const appealRoutesList = command({
  name: '诉求 分派 列表',
  aliases: ['appeal routes'],
  options: branchOption,
  access: { roles: ['书记', '副书记'] },
  help: '查看本支部各类诉求的承办人',
  examples: ['诉求 分派 列表'],
  run: async ({ branch: name }, ctx) => {
    const branch = await targetBranch(ctx, name);
    const rows = await ctx.db.select().from(appealRoutes)
      .where(and(eq(appealRoutes.tenantId, ctx.tenant.id), eq(appealRoutes.branchId, branch.id))).orderBy(asc(appealRoutes.id));
    const names = await memberNames(ctx.db, ctx.tenant.id, rows.map((r) => r.handlerId));
    const who = (c: string) => {
      const r = rows.find((x) => x.category === c);
      if (!r) return null;
      return r.handlerId ? names.get(r.handlerId) ?? '（已离开）' : `本支部${r.handlerRole}`;
    };
    const fallback = who(ALL_CATEGORIES) ?? '本支部书记';
    const lines = parseSettings(ctx.tenant.settings).appealCategories.map((c) => `${c}：${who(c) ?? fallback}`);
    return { kind: 'card', title: `${branch.name} · 诉求承办人`, text: `${lines.join('\n')}\n\n修改：诉求 分派 <类别|全部> <承办人>` };
  },
});

const limitOptions = {
  accept: option(['受理', 'accept'], arg.int('受理时限（工作日）', { min: 1, max: 30 }).optional()),
  urgent: option(['紧急受理', 'urgent'], arg.int('紧急诉求受理时限（工作小时）', { min: 1, max: 72 }).optional()),
  resolve: option(['办结', 'resolve'], arg.int('办结时限（工作日）', { min: 1, max: 90 }).optional()),
  complex: option(['复杂办结', 'complex'], arg.int('复杂诉求办结时限（工作日）', { min: 1, max: 180 }).optional()),
};

export const appealLimits = command({
  name: '诉求 时限',
  aliases: ['appeal limits'],
  args: { category: arg.text('类别（或“全部”）', { max: 30 }).optional() },
  options: limitOptions,
  access: 'admin',
  help: '查看或设置诉求办理时限（全部或某一类别）：受理、紧急受理（小时）、办结、复杂办结（工作日）',
  examples: ['诉求 时限', '诉求 时限 全部 受理:1 办结:5', '诉求 时限 安全生产 紧急受理:1 办结:3'],
  run: async (input, ctx) => {
    let tenant = ctx.tenant;
    const patch = {
      ...(input.accept !== undefined ? { acceptWorkingDays: input.accept } : {}),
      ...(input.urgent !== undefined ? { urgentAcceptHours: input.urgent } : {}),
      ...(input.resolve !== undefined ? { resolveWorkingDays: input.resolve } : {}),
      ...(input.complex !== undefined ? { complexResolveWorkingDays: input.complex } : {}),
    };
    if (input.category && Object.keys(patch).length) {
      const cat = category(ctx, input.category);
      if (cat === ALL_CATEGORIES) {
        const checked = validateSettingsPatch({ appealDeadlines: patch });
        if (!checked.ok) throw new UserError(checked.errors.join('\n'));
        const settings = mergeSettings(tenant.settings, checked.patch);
        await ctx.db.update(tenants).set({ settings }).where(eq(tenants.id, tenant.id));
        await ctx.audit({ action: 'appeal.limits', entity: 'tenant', entityId: tenant.id,
          before: parseSettings(tenant.settings).appealDeadlines, after: parseSettings(settings).appealDeadlines });
        tenant = { ...tenant, settings };
      } else {
        const [row] = await ctx.db.insert(appealCategoryLimits).values({ tenantId: ctx.tenant.id, category: cat, ...patch })
          .onConflictDoUpdate({ target: [appealCategoryLimits.tenantId, appealCategoryLimits.category], set: patch }).returning();
        await ctx.audit({ action: 'appeal.limits', entity: 'appeal_category_limits', entityId: cat, after: row });
      }
    } else if (input.category || Object.keys(patch).length) {
      throw new UserError('请同时写明类别（或“全部”）和时限，例如：诉求 时限 安全生产 紧急受理:1 办结:3');
    }
    const sla = await loadSlaContext(ctx.db, tenant, ctx.tz);
    const lines = parseSettings(tenant.settings).appealCategories
      .map((c) => `${c}：${limitsText(sla.limitsFor(c), 'normal')}；紧急的${sla.limitsFor(c).urgentAcceptHours}个工作小时内受理`);
    return {
      kind: 'card', title: '诉求办理时限', text: `${lines.join('\n')}\n\n时限按工作日计算，法定节假日和调休按国务院安排；新的时限对此后提交和受理的诉求生效。`,
    };
  },
});

export const appealAdminCommands: AnyCommand[] = [appealRoute, appealRoutesList, appealLimits, ...workdayCommands];
