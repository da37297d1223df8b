/**
 * 职工诉求 (接诉即办), the submitter's entry: `诉求 [匿名] [紧急] [类别] <内容>`. Without a category the
 * text waits as a draft and a card offers the tenant's categories.
 */
import { and, eq, lt } from 'drizzle-orm';
import { appealDrafts } from '../db/schema/index.ts';
import { handleFor } from '../src/anon/index.ts';
import { appealScope, hiddenSubmitter } from '../src/appeals/anon.ts';
import { DRAFT_TTL_MS, fileAppeal, parseSubmission, requireFiler } from '../src/appeals/submit.ts';
import { arg } from '../src/bot/args.ts';
import { command, type AnyCommand } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { appealAdminCommands } from './appeal-admin.ts';
import { appealHandlerCommands } from './appeal-handler.ts';
import { appealLedgerCommands } from './appeal-ledger.ts';
import { appealQueueCommands } from './appeal-queue.ts';
import { appealSubmitterCommands } from './appeal-submitter.ts';
import { asTyped } from '../src/appeals/text.ts';

export const appealSubmit = command({
  name: '诉求',
  aliases: ['appeal'],
  args: { text: arg.rest('诉求内容', { max: 1000 }) },
  access: 'member',
  chat: 'private',
  help: '反映工作、生活中的困难或意见建议（可加“匿名”“紧急”和类别），限时办理，每步进展私信告知',
  examples: ['诉求 薪酬福利 11月的加班费还没有发放', '诉求 匿名 安全生产 三号车间的灭火器已过期', '诉求 紧急 宿舍楼停水两天了'],
  run: async ({ text }, ctx) => {
    const me = requireFiler(ctx);
    const categories = parseSettings(ctx.tenant.settings).appealCategories;
    const parsed = parseSubmission(text, categories);
    const s = { ...parsed, content: asTyped(ctx.message.text, parsed.content) };
    if (['匿名', '紧急', '加急', '急', ...categories].includes(s.content)) {
      throw new UserError('请写明诉求的具体内容，例如：诉求 薪酬福利 11月的加班费还没有发放');
    }
    if (s.category) return fileAppeal(ctx, { ...s, category: s.category });
    await ctx.db.delete(appealDrafts).where(and(eq(appealDrafts.tenantId, ctx.tenant.id),
      lt(appealDrafts.createdAt, new Date(ctx.now.getTime() - DRAFT_TTL_MS))));
    const anonHandle = s.anonymous ? await handleFor(appealScope(ctx.db, ctx.tenant.id), me.id) : null;
    const [draft] = await ctx.db.insert(appealDrafts).values({
      tenantId: ctx.tenant.id, branchId: me.branchId, memberId: s.anonymous ? null : me.id, anonHandle,
      urgency: s.urgent ? 'urgent' : 'normal', content: s.content, createdAt: ctx.now,
    }).returning({ id: appealDrafts.id });
    const id = draft!.id;
    return {
      kind: 'card',
      title: '请选择诉求类别',
      tone: 'info',
      text: `${s.anonymous ? '【匿名】' : ''}${s.urgent ? '【紧急】' : ''}${s.content}\n\n点击类别即可提交；也可以发送“诉求 类别 ${id} <类别>”。`,
      buttons: categories.map((c) => ({ label: c, command: `诉求 类别 ${id} ${c}` })),
    };
  },
});

export const appealPickCategory = command({
  name: '诉求 类别',
  args: { draft: arg.int('草稿号', { min: 1 }), category: arg.text('类别', { max: 30 }) },
  access: 'member',
  chat: 'private',
  hidden: true,
  help: '为刚写好的诉求选择类别并提交',
  examples: ['诉求 类别 12 薪酬福利'],
  run: async ({ draft, category }, ctx) => {
    const me = requireFiler(ctx);
    const [d] = await ctx.db.select().from(appealDrafts)
      .where(and(eq(appealDrafts.tenantId, ctx.tenant.id), eq(appealDrafts.id, draft))).limit(1);
    const mine = d && (d.memberId === me.id
      || (d.anonHandle !== null && (await hiddenSubmitter(ctx.db, ctx.tenant.id, d.anonHandle)) === me.id));
    if (!d || !mine || ctx.now.getTime() - d.createdAt.getTime() > DRAFT_TTL_MS) {
      throw new UserError('这份诉求草稿已提交或已过期，请重新发送“诉求 <内容>”。');
    }
    const categories = parseSettings(ctx.tenant.settings).appealCategories;
    if (!categories.includes(category)) throw new UserError(`没有“${category}”这个类别，可选：${categories.join('、')}。`);
    // A second tap on the card (or a retry racing the first) finds the draft gone.
    const taken = await ctx.db.delete(appealDrafts).where(eq(appealDrafts.id, d.id)).returning({ id: appealDrafts.id });
    if (!taken.length) throw new UserError('这份诉求草稿已提交或已过期，请重新发送“诉求 <内容>”。');
    return fileAppeal(ctx, { anonymous: d.anonHandle !== null, urgent: d.urgency === 'urgent', category, content: d.content });
  },
});

export const appealCommands: AnyCommand[] = [
  appealSubmit, appealPickCategory, ...appealSubmitterCommands, ...appealHandlerCommands, ...appealQueueCommands,
  ...appealLedgerCommands,
  ...appealAdminCommands,
];
