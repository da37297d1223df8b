/** The handler's side of an appeal (or the branch 书记/副书记, or an admin): 受理, 转办, 退回, 询问, 办结. */
import { envOf } from '../src/appeals/env.ts';
import { deadlineText, handlerCard, ratingCard, submitterLabel, type Appeal } from '../src/appeals/format.ts';
import { notifyMember, notifySubmitter } from '../src/appeals/notify.ts';
import { parseTarget, targetHandler } from '../src/appeals/routing.ts';
import { closePauses, deadlinesOf, loadSlaContext } from '../src/appeals/sla.ts';
import { applyChange, forOfficer, memberNames, officerActor } from '../src/appeals/store.ts';
import { arg } from '../src/bot/args.ts';
import { command, type AnyCommand } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import type { Reply } from '../src/bot/types.ts';
import { transition, type AppealAction, type AppealState } from '../src/domain/appeals.ts';
import { asTyped } from '../src/appeals/text.ts';

const text = (t: string): Reply => ({ kind: 'text', text: t });
const number = arg.text('诉求编号，例如 SQ-2026-0001');

function next(a: Appeal, action: AppealAction): AppealState {
  const t = transition(a.state as AppealState, action);
  if (!t.ok) throw new UserError(`${a.number}：${t.message}`);
  return t.state;
}

export const appealAccept = command({
  name: '诉求 受理',
  aliases: ['appeal accept'],
  args: { number, complexity: arg.choice('复杂程度', ['一般', '复杂'] as const).optional() },
  access: 'member',
  chat: 'private',
  help: '受理诉求（情况复杂的写“复杂”，办结时限相应延长），提交人会收到通知',
  examples: ['诉求 受理 SQ-2026-0001', '诉求 受理 SQ-2026-0001 复杂'],
  run: async (input, ctx) => {
    const { a } = await forOfficer(ctx, input.number);
    const state = next(a, { type: 'accept' });
    const sla = await loadSlaContext(ctx.db, ctx.tenant, ctx.tz);
    // A reopened appeal's resolve clock already runs from the reopening.
    const acceptedAt = a.state === 'reopened' && a.acceptedAt ? a.acceptedAt : ctx.now;
    const complexity = input.complexity === '复杂' ? 'complex' : input.complexity === '一般' ? 'normal' : a.complexity;
    const handlerId = ctx.asker.member?.id ?? a.handlerId;
    const env = envOf(ctx);
    const { after, eventId } = await applyChange(env, a, {
      action: 'accept', actor: officerActor(ctx), note: complexity === 'complex' ? '复杂事项' : null,
      patch: { state, acceptedAt, complexity, handlerId, resolveBy: deadlinesOf({ ...a, acceptedAt, complexity }, sla).resolveBy },
    });
    const by = deadlineText(after, ctx.tz, ctx.now);
    await notifySubmitter(env, after, `e${eventId}`,
      text(`您的诉求 ${a.number} 已由${officerActor(ctx).label}受理，${by}。需要您补充情况时会再通知您。`));
    return text(`已受理诉求 ${a.number}，${by}。\n办结：诉求 办结 ${a.number} <办理结果>\n需要提交人补充：诉求 询问 ${a.number} <问题>（等待期间时限暂停）`);
  },
});

export const appealTransfer = command({
  name: '诉求 转办',
  aliases: ['appeal transfer'],
  args: { number, to: arg.text('接收人（姓名、@某人或职务）', { max: 40 }).optional(), reason: arg.rest('转办原因', { max: 300 }).optional() },
  access: 'member',
  chat: 'private',
  help: '把诉求转给更合适的承办人（写明原因），受理时限不重新计算',
  examples: ['诉求 转办 SQ-2026-0001 @李四 涉及食堂管理，由后勤负责人办理', '诉求 转办 SQ-2026-0001 副书记 工会事务'],
  run: async (parsed, ctx) => {
    const input = { ...parsed, reason: parsed.reason && asTyped(ctx.message.text, parsed.reason) };
    const { a } = await forOfficer(ctx, input.number);
    if (!input.to || !input.reason) {
      throw new UserError(`请写明接收人和转办原因，例如：诉求 转办 ${a.number} @李四 涉及食堂管理，由后勤负责人办理`);
    }
    const target = await targetHandler(ctx, await parseTarget(ctx, input.to), a.branchId);
    if (target.id === a.handlerId) throw new UserError(`诉求 ${a.number} 已由${target.name}承办。`);
    const state = next(a, { type: 'transfer', to: target.name, reason: input.reason });
    const env = envOf(ctx);
    const { after, eventId } = await applyChange(env, a, {
      action: 'transfer', actor: officerActor(ctx), note: `转给${target.name}：${input.reason}`,
      patch: { state, handlerId: target.id },
    });
    const names = await memberNames(ctx.db, ctx.tenant.id, [after.submitterId]);
    const submitter = submitterLabel(after, names.get(after.submitterId ?? -1));
    const reached = await notifyMember(env, target.id, after, `e${eventId}`, handlerCard(after, submitter, ctx.tz, ctx.now,
      `${officerActor(ctx).label}把这件诉求转给您办理，原因：${input.reason}`));
    await notifySubmitter(env, after, `e${eventId}`, text(`您的诉求 ${a.number} 已转由${target.name}办理（${input.reason}）。`));
    return text(`已把诉求 ${a.number} 转给${target.name}。${reached ? '' : `${target.name}尚未绑定账号，收不到通知，请当面告知。`}`);
  },
});

export const appealReturn = command({
  name: '诉求 退回',
  aliases: ['appeal return'],
  args: { number, reason: arg.rest('退回原因（提交人会看到）', { max: 300 }).optional() },
  access: 'member',
  chat: 'private',
  help: '不属于受理范围的诉求退回提交人，并说明原因和可以反映的渠道',
  examples: ['诉求 退回 SQ-2026-0001 社保缴费基数由市社保中心核定，请拨打12333咨询'],
  run: async (parsed, ctx) => {
    const input = { ...parsed, reason: parsed.reason && asTyped(ctx.message.text, parsed.reason) };
    const { a } = await forOfficer(ctx, input.number);
    if (!input.reason) throw new UserError(`请写明退回原因，提交人会看到，例如：诉求 退回 ${a.number} 不属于本单位受理范围，请向……反映`);
    const state = next(a, { type: 'return', reason: input.reason });
    const env = envOf(ctx);
    const { after, eventId } = await applyChange(env, a, {
      action: 'return', actor: officerActor(ctx), note: input.reason, patch: { state, closedAt: ctx.now },
    });
    await notifySubmitter(env, after, `e${eventId}`, text(`您的诉求 ${a.number} 不在受理范围内，已退回。说明：${input.reason}`));
    return text(`已退回诉求 ${a.number}，提交人会收到您写的原因。`);
  },
});

export const appealAsk = command({
  name: '诉求 询问',
  aliases: ['appeal ask'],
  args: { number, question: arg.rest('要提交人补充的内容', { max: 500 }).optional() },
  access: 'member',
  chat: 'private',
  help: '请提交人补充情况；等待回复期间办结时限暂停计算',
  examples: ['诉求 询问 SQ-2026-0001 请说明是哪几个月的加班费'],
  run: async (parsed, ctx) => {
    const input = { ...parsed, question: parsed.question && asTyped(ctx.message.text, parsed.question) };
    const { a } = await forOfficer(ctx, input.number);
    if (!input.question) throw new UserError(`请写明需要提交人补充什么，例如：诉求 询问 ${a.number} 请说明是哪几个月的加班费`);
    const state = next(a, { type: 'ask_submitter' });
    const pauses = [...a.pauses, { from: ctx.now.toISOString() }];
    const env = envOf(ctx);
    const { after, eventId } = await applyChange(env, a, {
      action: 'ask', actor: officerActor(ctx), note: input.question, patch: { state, pauses, resolveBy: null },
    });
    const reached = await notifySubmitter(env, after, `e${eventId}`, {
      kind: 'card', title: `诉求 ${a.number}：请补充情况`, tone: 'warning',
      text: `承办人${officerActor(ctx).label}问：${input.question}\n\n请回复：**诉求 补充 ${a.number} <内容>**`,
    });
    return text(`已请提交人补充（诉求 ${a.number}），对方回复前办结时限暂停计算。${reached ? '' : '提交人暂时收不到消息，请另行联系。'}`);
  },
});

export const appealResolve = command({
  name: '诉求 办结',
  aliases: ['appeal resolve'],
  args: { number, result: arg.rest('办理结果', { max: 1000 }).optional() },
  access: 'member',
  chat: 'private',
  help: '写明办理结果并办结，提交人会收到评价卡片',
  examples: ['诉求 办结 SQ-2026-0001 已与财务部核实，10月、11月加班费已于12月5日补发'],
  run: async (parsed, ctx) => {
    const input = { ...parsed, result: parsed.result && asTyped(ctx.message.text, parsed.result) };
    const { a } = await forOfficer(ctx, input.number);
    if (!input.result) throw new UserError(`请写明办理结果，例如：诉求 办结 ${a.number} 已与财务部核实，加班费已于12月5日补发`);
    const state = next(a, { type: 'resolve' });
    const sla = await loadSlaContext(ctx.db, ctx.tenant, ctx.tz);
    const pauses = closePauses(a.pauses, ctx.now);
    const resolveBy = deadlinesOf({ ...a, pauses }, sla).resolveBy;
    const onTime = !resolveBy || ctx.now <= resolveBy;
    const env = envOf(ctx);
    const { after, eventId } = await applyChange(env, a, {
      action: 'resolve', actor: officerActor(ctx), note: input.result,
      patch: { state, pauses, resolveBy, resolvedAt: ctx.now, resolvedOnTime: onTime, result: input.result },
    });
    await notifySubmitter(env, after, `e${eventId}`, ratingCard(after, officerActor(ctx).label));
    return text(`已办结诉求 ${a.number}${onTime ? '' : '（已超过办结时限）'}，提交人会收到评价邀请。`
      + `\n办理结果会去除身份信息后在每周公示中摘要展示；不宜公示的请发送：诉求 公示 ${a.number} 不公示`);
  },
});

export const appealHandlerCommands: AnyCommand[] = [
  appealAccept, appealTransfer, appealReturn, appealAsk, appealResolve,
];
