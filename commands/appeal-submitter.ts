/** The submitter's side of an appeal: follow it, add information, rate the result, ask to reopen. */
import { and, desc, eq, or } from 'drizzle-orm';
import { appeals } from '../db/schema/index.ts';
import { existingHandle } from '../src/appeals/anon.ts';
import { envOf } from '../src/appeals/env.ts';
import {
  appealFields, deadlineText, handlerCard, isOpen, stateLabel, submitterLabel, timelineText, type Appeal,
} from '../src/appeals/format.ts';
import { notifyMember } from '../src/appeals/notify.ts';
import { deadlinesOf, closePauses, loadSlaContext } from '../src/appeals/sla.ts';
import { applyChange, eventsOf, findAppeal, memberNames, submitterActor } from '../src/appeals/store.ts';
import { arg } from '../src/bot/args.ts';
import { command, type AnyCommand } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { UserError } from '../src/bot/errors.ts';
import type { Reply } from '../src/bot/types.ts';
import { REOPEN_DAYS, transition, type AppealState } from '../src/domain/appeals.ts';
import { asTyped } from '../src/appeals/text.ts';

const text = (t: string): Reply => ({ kind: 'text', text: t });
const number = arg.text('诉求编号，例如 SQ-2026-0001');

async function mine(ctx: CommandContext): Promise<Appeal[]> {
  const me = ctx.asker.member;
  if (!me) return [];
  const handle = await existingHandle(ctx.db, ctx.tenant.id, me.id);
  const who = handle === undefined ? eq(appeals.submitterId, me.id)
    : or(eq(appeals.submitterId, me.id), eq(appeals.anonHandle, handle));
  return ctx.db.select().from(appeals).where(and(eq(appeals.tenantId, ctx.tenant.id), who))
    .orderBy(desc(appeals.submittedAt), desc(appeals.id)).limit(20);
}

export const appealProgress = command({
  name: '诉求 进度',
  aliases: ['appeal status', '诉求 查看'],
  args: { number: number.optional() },
  access: 'member',
  chat: 'private',
  help: '查看诉求的办理进度和全流程记录；不写编号则列出您提交的诉求',
  examples: ['诉求 进度 SQ-2026-0001', '诉求 进度'],
  run: async (input, ctx) => {
    if (!input.number) {
      const list = await mine(ctx);
      if (!list.length) return text('您还没有提交过诉求。发送“诉求 <内容>”即可反映问题。');
      const lines = list.map((a) => `${a.number} ${a.category} ${stateLabel(a.state)}${isOpen(a) ? ` · ${deadlineText(a, ctx.tz, ctx.now)}` : ''}`);
      return { kind: 'card', title: '我提交的诉求', text: `${lines.join('\n')}\n\n查看详情：诉求 进度 <编号>` };
    }
    const { a } = await findAppeal(ctx, input.number);
    const names = await memberNames(ctx.db, ctx.tenant.id, [a.submitterId, a.handlerId]);
    const fields = appealFields(a, submitterLabel(a, names.get(a.submitterId ?? -1)), ctx.tz, ctx.now);
    fields.push({ label: '承办人', value: a.handlerId ? names.get(a.handlerId) ?? '—' : '正在安排' });
    if (a.rating !== null) fields.push({ label: '满意度', value: `${a.rating}分` });
    const events = await eventsOf(ctx.db, a.id);
    return {
      kind: 'card', title: `诉求 ${a.number} · ${stateLabel(a.state)}`, tone: 'info', fields,
      text: `${a.content}\n\n**办理记录**\n${timelineText(events, ctx.tz)}`,
    };
  },
});

export const appealAddInfo = command({
  name: '诉求 补充',
  aliases: ['appeal info'],
  args: { number, content: arg.rest('补充内容', { max: 1000 }) },
  access: 'member',
  chat: 'private',
  help: '提交人补充诉求情况或回答承办人的询问（回答后办理时限恢复计算）',
  examples: ['诉求 补充 SQ-2026-0001 拖欠的是10月和11月两个月的加班费'],
  run: async ({ number: ref, content: parsed }, ctx) => {
    const content = asTyped(ctx.message.text, parsed);
    const { a, v } = await findAppeal(ctx, ref);
    if (!v.submitter) throw new UserError(`只有提交人可以补充诉求 ${a.number} 的情况。`);
    if (!isOpen(a)) {
      throw new UserError(`诉求 ${a.number} ${stateLabel(a.state)}，不能再补充。${a.state === 'resolved' ? `如问题没有解决，可发送“诉求 重办 ${a.number} <原因>”。` : ''}`);
    }
    const env = envOf(ctx);
    let patch: Partial<Appeal> = {};
    if (a.state === 'waiting_submitter') {
      const t = transition('waiting_submitter', { type: 'submitter_replied' });
      if (!t.ok) throw new UserError(t.message);
      const pauses = closePauses(a.pauses, ctx.now);
      const sla = await loadSlaContext(ctx.db, ctx.tenant, ctx.tz);
      patch = { state: t.state, pauses, resolveBy: deadlinesOf({ ...a, pauses }, sla).resolveBy };
    }
    const { after, eventId } = await applyChange(env, a, { action: 'info', patch, actor: submitterActor(ctx, a), note: content });
    if (after.handlerId) {
      const submitter = submitterLabel(after, ctx.asker.member?.name);
      await notifyMember(env, after.handlerId, after, `e${eventId}`, {
        ...handlerCard(after, submitter, ctx.tz, ctx.now, `${submitter}补充了情况：`),
        text: `${submitter}补充了情况：\n${content}${a.state === 'waiting_submitter' ? '\n\n办理时限已恢复计算。' : ''}`,
        buttons: [],
      });
    }
    const resumed = a.state === 'waiting_submitter' && after.resolveBy ? `办理时限恢复计算，${deadlineText(after, ctx.tz, ctx.now)}。` : '';
    return text(`已把补充情况转给承办人（诉求 ${a.number}）。${resumed}`);
  },
});

export const appealRate = command({
  name: '诉求 评价',
  aliases: ['appeal rate'],
  args: { number, score: arg.int('满意度（1至5分）', { min: 1, max: 5 }), comment: arg.rest('意见', { max: 300 }).optional() },
  access: 'member',
  chat: 'private',
  help: '为已办结的诉求打分（1至5分），可附意见',
  examples: ['诉求 评价 SQ-2026-0001 5 解决得很及时'],
  run: async ({ number: ref, score, comment: parsed }, ctx) => {
    const comment = parsed && asTyped(ctx.message.text, parsed);
    const { a, v } = await findAppeal(ctx, ref);
    if (!v.submitter) throw new UserError(`只有提交人可以评价诉求 ${a.number}。`);
    if (a.state !== 'resolved' && a.state !== 'closed') throw new UserError(`诉求 ${a.number} ${stateLabel(a.state)}，办结后才能评价。`);
    if (a.rating !== null) throw new UserError(`您已为诉求 ${a.number} 打过分（${a.rating}分），谢谢！`);
    const env = envOf(ctx);
    const { after, eventId } = await applyChange(env, a, {
      action: 'rate', patch: { rating: score, ratingComment: comment ?? null, ratedAt: ctx.now },
      actor: submitterActor(ctx, a), note: `${score}分${comment ? `，${comment}` : ''}`,
    });
    if (after.handlerId) {
      await notifyMember(env, after.handlerId, after, `e${eventId}`,
        text(`诉求 ${a.number} 的提交人评价：${score}分${comment ? `，“${comment}”` : ''}。`));
    }
    const more = score <= 2 && a.state === 'resolved' ? `如问题仍未解决，可发送“诉求 重办 ${a.number} <原因>”。` : '';
    return text(`谢谢您的评价（${score}分）。${more}`);
  },
});

export const appealReopen = command({
  name: '诉求 重办',
  aliases: ['诉求 重新办理', 'appeal reopen'],
  args: { number, reason: arg.rest('原因', { max: 500 }).optional() },
  access: 'member',
  chat: 'private',
  help: `办结后${REOPEN_DAYS}天内，问题没有解决的可申请重新办理`,
  examples: ['诉求 重办 SQ-2026-0001 加班费只补发了一个月'],
  run: async ({ number: ref, reason: parsed }, ctx) => {
    const reason = parsed && asTyped(ctx.message.text, parsed);
    const { a, v } = await findAppeal(ctx, ref);
    if (!v.submitter) throw new UserError(`只有提交人可以申请重新办理诉求 ${a.number}。`);
    if (!reason) throw new UserError(`请写明还有什么没有解决，例如：诉求 重办 ${a.number} 加班费只补发了一个月`);
    const t = transition(a.state as AppealState, { type: 'reopen', resolvedAt: a.resolvedAt ?? ctx.now, now: ctx.now });
    if (!t.ok) throw new UserError(t.message);
    const env = envOf(ctx);
    const sla = await loadSlaContext(ctx.db, ctx.tenant, ctx.tz);
    const clock = { ...a, acceptedAt: ctx.now, pauses: [] };
    const { after, eventId } = await applyChange(env, a, {
      action: 'reopen', actor: submitterActor(ctx, a), note: reason,
      patch: {
        state: t.state, round: a.round + 1, acceptedAt: ctx.now, pauses: [], resolveBy: deadlinesOf(clock, sla).resolveBy,
        escalations: a.escalations.filter((k) => k.startsWith('accept:')), resolvedAt: null, resolvedOnTime: null,
        result: null, rating: null, ratingComment: null, ratedAt: null,
      },
    });
    if (after.handlerId) {
      const submitter = submitterLabel(after, ctx.asker.member?.name);
      await notifyMember(env, after.handlerId, after, `e${eventId}`,
        handlerCard(after, submitter, ctx.tz, ctx.now, `${submitter}认为问题没有解决，申请重新办理：${reason}`));
    }
    return text(`已申请重新办理诉求 ${a.number}，承办人会重新处理，${deadlineText(after, ctx.tz, ctx.now)}。`);
  },
});

export const appealSubmitterCommands: AnyCommand[] = [appealProgress, appealAddInfo, appealRate, appealReopen];
