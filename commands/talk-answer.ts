/**
 * Answering a booked talk. The guest: 接受 / 另约 (propose another time) / 婉拒 (with a reason).
 * The host, on a proposed time: 同意 / 不同意 (the original time stands and the guest is asked again).
 */
import { arg } from '../src/bot/args.ts';
import { command, type AnyCommand } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import type { Reply } from '../src/bot/types.ts';
import { counterCard, formatWhen, inviteCard } from '../src/talks/format.ts';
import { loadTalk, notifyMember, requireGuest, requireHost, requireStatus, assertFuture, updateTalk } from '../src/talks/store.ts';

const text = (t: string): Reply => ({ kind: 'text', text: t });
const id = arg.int('谈话编号', { min: 1 });
const REMINDER_NOTE = '谈话前一天和前一小时会提醒双方。';

export const talkAccept = command({
  name: '谈话 接受',
  aliases: ['talk accept'],
  args: { id },
  access: 'member',
  help: '接受谈心谈话邀约',
  examples: ['谈话 接受 12'],
  run: async (input, ctx) => {
    const t = await loadTalk(ctx, input.id);
    requireGuest(ctx, t);
    if (t.status === 'accepted') return text(`您已接受谈话 #${t.id}（${formatWhen(t.scheduledAt!, ctx.now, ctx.tz)}）。`);
    requireStatus(t, ['invited', 'countered'], `谈话 #${t.id} 已不需要答复。`);
    if (!t.scheduledAt || t.scheduledAt <= ctx.now) {
      throw new UserError(`谈话 #${t.id} 的原定时间已过。可发送“谈话 另约 ${t.id} <时间>”提议新的时间。`);
    }
    const after = await updateTalk(ctx, t, 'talk.accept', { status: 'accepted', proposedAt: null, confirmedAt: ctx.now });
    const when = formatWhen(t.scheduledAt, ctx.now, ctx.tz);
    await notifyMember(ctx, t.hostId, after, 'accepted', text(`${t.guestName}已接受${when}的谈心谈话（#${t.id}）。${REMINDER_NOTE}`));
    return text(`已接受与${t.hostName}的谈心谈话：${when}${t.place ? `，${t.place}` : ''}。${REMINDER_NOTE}`);
  },
});

export const talkCounter = command({
  name: '谈话 另约',
  aliases: ['talk propose'],
  args: { id, when: arg.datetime('您方便的时间').optional() },
  access: 'member',
  help: '向发起人提议另一个谈话时间，由对方决定是否同意',
  examples: ['谈话 另约 12 周五上午10点'],
  run: async (input, ctx) => {
    const t = await loadTalk(ctx, input.id);
    requireGuest(ctx, t);
    requireStatus(t, ['invited', 'countered', 'accepted'], `谈话 #${t.id} 已不能改约。`);
    if (!input.when) {
      throw new UserError(`请写上您方便的时间，例如：谈话 另约 ${t.id} 周五上午10点`);
    }
    assertFuture(ctx, input.when);
    if (t.scheduledAt && input.when.getTime() === t.scheduledAt.getTime()) {
      throw new UserError(`这与原定时间相同，直接发送“谈话 接受 ${t.id}”即可。`);
    }
    const after = await updateTalk(ctx, t, 'talk.counter', { status: 'countered', proposedAt: input.when, confirmedAt: null });
    await notifyMember(ctx, t.hostId, after, 'counter', counterCard({ ...after, proposedAt: input.when }, ctx.now, ctx.tz));
    return text(`已向${t.hostName}提议改到${formatWhen(input.when, ctx.now, ctx.tz)}，对方确认后会通知您。`);
  },
});

export const talkDecline = command({
  name: '谈话 婉拒',
  aliases: ['talk decline'],
  args: { id, why: arg.rest('原因', { max: 200 }).optional() },
  access: 'member',
  help: '婉拒谈心谈话邀约，需说明原因',
  examples: ['谈话 婉拒 12 近期在外地出差，月底回来后再约'],
  run: async (input, ctx) => {
    const t = await loadTalk(ctx, input.id);
    requireGuest(ctx, t);
    requireStatus(t, ['invited', 'countered', 'accepted'], `谈话 #${t.id} 已不需要答复。`);
    if (!input.why) throw new UserError(`请说明婉拒的原因，例如：谈话 婉拒 ${t.id} 近期出差，月底后再约`);
    const after = await updateTalk(ctx, t, 'talk.decline', { status: 'declined', proposedAt: null, declineReason: input.why });
    await notifyMember(ctx, t.hostId, after, 'declined',
      text(`${t.guestName}婉拒了谈心谈话（#${t.id}），原因：${input.why}。如需要，可另行预约。`));
    return text(`已婉拒，并把原因转告${t.hostName}。`);
  },
});

export const talkAgree = command({
  name: '谈话 同意',
  aliases: ['talk agree'],
  args: { id },
  access: 'member',
  help: '发起人同意对方提议的新时间',
  examples: ['谈话 同意 12'],
  run: async (input, ctx) => {
    const t = await loadTalk(ctx, input.id);
    requireHost(ctx, t);
    requireStatus(t, ['countered'], `谈话 #${t.id} 没有待您确认的新时间。`);
    if (!t.proposedAt || t.proposedAt <= ctx.now) {
      throw new UserError(`对方提议的时间已过，请发送“谈话 改期 ${t.id} <时间>”另定时间。`);
    }
    const after = await updateTalk(ctx, t, 'talk.agree', {
      status: 'accepted', scheduledAt: t.proposedAt, proposedAt: null, confirmedAt: ctx.now,
    });
    const when = formatWhen(t.proposedAt, ctx.now, ctx.tz);
    await notifyMember(ctx, t.guestId, after, 'agreed', text(`${t.hostName}同意改到${when}，谈心谈话（#${t.id}）时间已确定。${REMINDER_NOTE}`));
    return text(`已确定谈话 #${t.id} 改到${when}，并通知${t.guestName}。`);
  },
});

export const talkDisagree = command({
  name: '谈话 不同意',
  aliases: ['talk disagree'],
  args: { id, why: arg.rest('说明', { max: 200 }).optional() },
  access: 'member',
  help: '发起人不同意对方提议的时间，仍按原定时间，请对方再确认',
  examples: ['谈话 不同意 12 周五要开支委会'],
  run: async (input, ctx) => {
    const t = await loadTalk(ctx, input.id);
    requireHost(ctx, t);
    requireStatus(t, ['countered'], `谈话 #${t.id} 没有待您确认的新时间。`);
    if (!t.scheduledAt || t.scheduledAt <= ctx.now) {
      throw new UserError(`原定时间已过，请发送“谈话 改期 ${t.id} <时间>”另定时间。`);
    }
    const after = await updateTalk(ctx, t, 'talk.disagree', { status: 'invited', proposedAt: null });
    const intro = `${t.hostName}不便改到您提议的时间${input.why ? `（${input.why}）` : ''}，希望仍按原定时间谈话，请再确认。`;
    await notifyMember(ctx, t.guestId, after, 'disagreed', inviteCard(after, ctx.now, ctx.tz, intro));
    return text(`已告知${t.guestName}仍按原定时间（${formatWhen(t.scheduledAt, ctx.now, ctx.tz)}），等对方确认。`);
  },
});

export const talkAnswerCommands: AnyCommand[] = [talkAccept, talkCounter, talkDecline, talkAgree, talkDisagree];
