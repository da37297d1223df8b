/** 谈心谈话, the host's side: book (with or without a time yet), set or change the time, cancel. */
import { and, eq } from 'drizzle-orm';
import { talks } from '../db/schema/index.ts';
import { arg, option } from '../src/bot/args.ts';
import { command, type AnyCommand } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { UserError } from '../src/bot/errors.ts';
import type { Reply } from '../src/bot/types.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { assertInBranch, findMember } from '../src/org/members.ts';
import { formatWhen, inviteCard } from '../src/talks/format.ts';
import { OPEN_STATUSES, resolveReason } from '../src/talks/rules.ts';
import {
  assertFuture, auditView, loadTalk, notifyMember, requireHost, requireStatus, updateTalk, type Talk,
} from '../src/talks/store.ts';
import { talkAnswerCommands } from './talk-answer.ts';
import { talkCoverage } from './talk-coverage.ts';
import { talkReasons } from './talk-reasons.ts';
import { talkRecordCommands } from './talk-record.ts';

const text = (t: string): Reply => ({ kind: 'text', text: t });

const bookingOptions = {
  place: option('地点', arg.text('地点', { max: 60 }).optional()),
  reason: option(['原因', '事由'], arg.text('原因：必谈情形的序号或名称，或自行填写', { max: 100 }).optional()),
};

function reasonsHint(ctx: CommandContext): string {
  const list = parseSettings(ctx.tenant.settings).mustTalkReasons;
  return `事由可写“原因:序号”选必谈情形（${list.map((r, i) => `${i + 1}.${r}`).join(' ')}），也可自行填写。`;
}

async function invite(ctx: CommandContext, t: Talk, intro?: string): Promise<string> {
  const reached = (await ctx.recipientsOf(t.guestId)).length > 0;
  await notifyMember(ctx, t.guestId, t, 'invite', inviteCard(t, ctx.now, ctx.tz, intro));
  return reached ? '对方答复后会通知您。' : `${t.guestName}尚未绑定账号，收不到邀约，请当面告知。`;
}

export const talkBook = command({
  name: '谈话 预约',
  aliases: ['talk book', '谈心 预约'],
  args: { who: arg.text('谈话对象（姓名或@某人）', { max: 40 }), when: arg.datetime('时间').optional() },
  options: bookingOptions,
  access: 'member',
  help: '预约谈心谈话：对方收到邀约，可接受、另约时间或婉拒；不写时间则先存为草稿',
  examples: ['谈话 预约 @张三 下周三下午3点 原因:岗位变动', '谈话 预约 李四 12月9日 15:00 地点:党员活动室 原因:2', '谈话 预约 王五'],
  run: async (input, ctx) => {
    const me = ctx.asker.member;
    if (!me) throw new UserError('谈心谈话需由本人预约，您的账号尚未绑定成员信息。');
    const guest = await findMember(ctx, input.who);
    if (guest.id === me.id) throw new UserError('不能与自己预约谈话。');
    if (!guest.branchId) throw new UserError(`“${guest.name}”尚未编入支部，无法预约谈话。`);
    assertInBranch(ctx, guest.branchId);
    const { reason, mustTalk } = resolveReason(input.reason, parseSettings(ctx.tenant.settings).mustTalkReasons);

    if (!input.when) {
      const [draft] = await ctx.db.select({ id: talks.id }).from(talks).where(and(eq(talks.tenantId, ctx.tenant.id),
        eq(talks.hostId, me.id), eq(talks.guestId, guest.id), eq(talks.status, 'draft'))).limit(1);
      const id = draft?.id ?? (await insertTalk(ctx, { guestId: guest.id, branchId: guest.branchId, status: 'draft',
        scheduledAt: null, place: input.place ?? null, reason, mustTalk })).id;
      return {
        kind: 'card', title: `与${guest.name}的谈心谈话（#${id}）`, tone: 'info',
        text: `${draft ? '已有一份待定时间的草稿。' : '已保存为草稿，还没有通知对方。'}请补充时间，对方会收到邀约：\n`
          + `**谈话 改期 ${id} <时间>**，例如：谈话 改期 ${id} 下周三下午3点 地点:党员活动室\n${reason ? '' : reasonsHint(ctx)}`,
      };
    }

    assertFuture(ctx, input.when);
    const row = await insertTalk(ctx, { guestId: guest.id, branchId: guest.branchId, status: 'invited',
      scheduledAt: input.when, place: input.place ?? null, reason, mustTalk });
    const t: Talk = { ...row, hostName: me.name, guestName: guest.name };
    const next = await invite(ctx, t);
    return text(`已向${guest.name}发出谈心谈话邀约（#${t.id}）：${formatWhen(input.when, ctx.now, ctx.tz)}`
      + `${t.place ? `，${t.place}` : ''}。${next}`);
  },
});

async function insertTalk(ctx: CommandContext, v: {
  guestId: number; branchId: number; status: 'draft' | 'invited'; scheduledAt: Date | null;
  place: string | null; reason: string | null; mustTalk: boolean;
}) {
  const [row] = await ctx.db.insert(talks).values({
    tenantId: ctx.tenant.id, hostId: ctx.asker.member!.id, ...v, createdAt: ctx.now, updatedAt: ctx.now,
  }).returning();
  await ctx.audit({ action: 'talk.book', entity: 'talk', entityId: row!.id, after: auditView(row!) });
  return row!;
}

export const talkReschedule = command({
  name: '谈话 改期',
  aliases: ['谈话 时间', 'talk time'],
  args: { id: arg.int('谈话编号', { min: 1 }), when: arg.datetime('新时间') },
  options: bookingOptions,
  access: 'member',
  help: '发起人设定或更改谈话时间（也可改地点、事由），对方会重新收到邀约',
  examples: ['谈话 改期 12 周五上午10点', '谈话 改期 12 2026-12-20 09:30 地点:三楼会议室'],
  run: async (input, ctx) => {
    const t = await loadTalk(ctx, input.id);
    requireHost(ctx, t);
    requireStatus(t, OPEN_STATUSES, `谈话 #${t.id} 已${t.status === 'held' ? '记录' : '结束'}，不能再改时间。可发送“谈话 预约 ${t.guestName} <时间>”重新预约。`);
    assertFuture(ctx, input.when);
    const reason = input.reason === undefined ? undefined : resolveReason(input.reason, parseSettings(ctx.tenant.settings).mustTalkReasons);
    const after = await updateTalk(ctx, t, 'talk.reschedule', {
      status: 'invited', scheduledAt: input.when, proposedAt: null, confirmedAt: null,
      ...(input.place !== undefined ? { place: input.place } : {}),
      ...(reason ? { reason: reason.reason, mustTalk: reason.mustTalk } : {}),
    });
    const intro = t.status === 'draft' ? undefined
      : `${t.hostName}将谈心谈话改到 **${formatWhen(input.when, ctx.now, ctx.tz)}**，请重新确认。`;
    const next = await invite(ctx, after, intro);
    return text(`已将谈话 #${t.id} 定在${formatWhen(input.when, ctx.now, ctx.tz)}，并通知${t.guestName}。${next}`);
  },
});

export const talkCancel = command({
  name: '谈话 取消',
  aliases: ['talk cancel'],
  args: { id: arg.int('谈话编号', { min: 1 }), why: arg.rest('原因', { max: 200 }).optional() },
  access: 'member',
  help: '发起人取消一次尚未进行的谈话，对方会收到通知',
  examples: ['谈话 取消 12 临时出差'],
  run: async ({ id, why }, ctx) => {
    const t = await loadTalk(ctx, id);
    requireHost(ctx, t);
    requireStatus(t, OPEN_STATUSES, `谈话 #${t.id} 已经结束，无需取消。`);
    const after = await updateTalk(ctx, t, 'talk.cancel', { status: 'cancelled', proposedAt: null });
    if (t.status !== 'draft') {
      const when = t.scheduledAt ? `原定${formatWhen(t.scheduledAt, ctx.now, ctx.tz)}的` : '';
      await notifyMember(ctx, t.guestId, after, 'cancel',
        text(`${t.hostName}取消了${when}谈心谈话（#${t.id}）${why ? `，原因：${why}` : ''}。`));
    }
    return text(`已取消谈话 #${t.id}${t.status === 'draft' ? '' : `，已通知${t.guestName}`}。`);
  },
});

export const talkCommands: AnyCommand[] = [
  talkBook, talkReschedule, ...talkAnswerCommands, ...talkRecordCommands, talkCancel, talkCoverage, talkReasons,
];
