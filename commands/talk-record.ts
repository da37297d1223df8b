/** After a talk: the host records it (private notes, follow-ups); anyone in it can look it up. */
import { and, desc, eq, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { members, talks } from '../db/schema/index.ts';
import { arg, option } from '../src/bot/args.ts';
import { command, type AnyCommand } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import type { CardField, Reply } from '../src/bot/types.ts';
import { assertInBranch, findMember } from '../src/org/members.ts';
import { formatWhen, reasonText, statusLabel, talkLine } from '../src/talks/format.ts';
import { canReadNotes, OPEN_STATUSES } from '../src/talks/rules.ts';
import { auditView, loadTalk, requireHost, requireStatus, updateTalk, viewerOf } from '../src/talks/store.ts';

const text = (t: string): Reply => ({ kind: 'text', text: t });
const PRIVACY = '谈话要点仅谈话双方和支部书记可见。';
const notesArg = arg.rest('谈话要点', { max: 2000 });
const followUps = option(['后续', '跟进'], arg.text('后续事项', { max: 500 }).optional());

export const talkRecord = command({
  name: '谈话 记录',
  aliases: ['talk record'],
  args: { id: arg.int('谈话编号', { min: 1 }), notes: notesArg },
  options: { followUps, heldAt: option('时间', arg.datetime('实际谈话时间').optional()) },
  access: 'member',
  help: '发起人记录谈话已进行，写下谈话要点和后续事项（仅双方和支部书记可见）',
  examples: ['谈话 记录 12 交流了新岗位的适应情况，本人表示压力可控 后续:一个月后再了解'],
  chat: 'private',
  run: async (input, ctx) => {
    const t = await loadTalk(ctx, input.id);
    requireHost(ctx, t);
    requireStatus(t, [...OPEN_STATUSES, 'held'], `谈话 #${t.id} 已${statusLabel(t.status)}，不能记录。`);
    if (input.heldAt && input.heldAt > ctx.now) throw new UserError('实际谈话时间不能晚于现在。');
    const heldAt = input.heldAt
      ?? (t.status === 'held' ? t.heldAt! : t.scheduledAt && t.scheduledAt <= ctx.now ? t.scheduledAt : ctx.now);
    await updateTalk(ctx, t, t.status === 'held' ? 'talk.notes' : 'talk.held', {
      status: 'held', heldAt, proposedAt: null, notes: input.notes,
      ...(input.followUps !== undefined ? { followUps: input.followUps } : {}),
    });
    return text(`已记录与${t.guestName}的谈心谈话（#${t.id}，${formatWhen(heldAt, ctx.now, ctx.tz)}）。${PRIVACY}`);
  },
});

export const talkBackfill = command({
  name: '谈话 补录',
  aliases: ['talk backfill'],
  args: { who: arg.text('谈话对象（姓名或@某人）', { max: 40 }), heldAt: arg.datetime('谈话时间'), notes: notesArg },
  options: { followUps, reason: option(['原因', '事由'], arg.text('原因', { max: 100 }).optional()) },
  access: 'member',
  help: '补录一次已经进行、但没有预约过的谈心谈话',
  examples: ['谈话 补录 张三 2026-11-20 15:00 谈了下一步学习安排 后续:年底前再谈一次'],
  chat: 'private',
  run: async (input, ctx) => {
    const me = ctx.asker.member;
    if (!me) throw new UserError('谈心谈话需由本人记录，您的账号尚未绑定成员信息。');
    const guest = await findMember(ctx, input.who);
    if (guest.id === me.id) throw new UserError('不能记录与自己的谈话。');
    if (!guest.branchId) throw new UserError(`“${guest.name}”尚未编入支部。`);
    assertInBranch(ctx, guest.branchId);
    if (input.heldAt > ctx.now) {
      throw new UserError('补录的谈话时间应早于现在。不写年份的日期按将来理解，请写完整日期，例如 2026-11-20 15:00。');
    }
    const [row] = await ctx.db.insert(talks).values({
      tenantId: ctx.tenant.id, branchId: guest.branchId, hostId: me.id, guestId: guest.id, status: 'held',
      scheduledAt: input.heldAt, heldAt: input.heldAt, reason: input.reason ?? null, notes: input.notes,
      followUps: input.followUps ?? null, createdAt: ctx.now, updatedAt: ctx.now,
    }).returning();
    await ctx.audit({ action: 'talk.backfill', entity: 'talk', entityId: row!.id, after: auditView(row!) });
    return text(`已补录与${guest.name}的谈心谈话（#${row!.id}，${formatWhen(input.heldAt, ctx.now, ctx.tz)}）。${PRIVACY}`);
  },
});

export const talkShow = command({
  name: '谈话 查看',
  aliases: ['talk show'],
  args: { id: arg.int('谈话编号', { min: 1 }) },
  access: 'member',
  help: '查看一次谈话的安排；谈话要点仅谈话双方和支部书记可见',
  examples: ['谈话 查看 12'],
  chat: 'private',
  run: async (input, ctx) => {
    const t = await loadTalk(ctx, input.id);
    const fields: CardField[] = [
      { label: '发起人', value: t.hostName },
      { label: '谈话对象', value: t.guestName },
      { label: '状态', value: statusLabel(t.status) },
    ];
    if (t.status === 'held' && t.heldAt) fields.push({ label: '谈话时间', value: formatWhen(t.heldAt, ctx.now, ctx.tz) });
    else fields.push({ label: '时间', value: t.scheduledAt ? formatWhen(t.scheduledAt, ctx.now, ctx.tz) : '待定' });
    if (t.status === 'countered' && t.proposedAt) fields.push({ label: '对方提议', value: formatWhen(t.proposedAt, ctx.now, ctx.tz) });
    if (t.place) fields.push({ label: '地点', value: t.place });
    const reason = reasonText(t);
    if (reason) fields.push({ label: '事由', value: reason });
    if (t.status === 'declined' && t.declineReason) fields.push({ label: '婉拒原因', value: t.declineReason });
    let body: string | undefined;
    if (t.notes || t.followUps) {
      if (canReadNotes(t, viewerOf(ctx))) {
        if (t.notes) fields.push({ label: '谈话要点', value: t.notes });
        if (t.followUps) fields.push({ label: '后续事项', value: t.followUps });
        body = PRIVACY;
      } else {
        body = `已有谈话记录。${PRIVACY}`;
      }
    }
    return { kind: 'card', title: `谈心谈话 #${t.id}`, text: body, fields };
  },
});

const host = alias(members, 'list_host');
const guest = alias(members, 'list_guest');

export const talkList = command({
  name: '谈话 列表',
  aliases: ['talk list', '我的谈话'],
  access: 'member',
  help: '列出我发起或受邀的谈心谈话（最近20次）',
  chat: 'private',
  run: async (_input, ctx) => {
    const me = ctx.asker.member;
    if (!me) throw new UserError('您的账号尚未绑定成员信息，没有谈话记录。');
    const rows = await ctx.db.select({ t: talks, hostName: host.name, guestName: guest.name }).from(talks)
      .innerJoin(host, eq(host.id, talks.hostId)).innerJoin(guest, eq(guest.id, talks.guestId))
      .where(and(eq(talks.tenantId, ctx.tenant.id), or(eq(talks.hostId, me.id), eq(talks.guestId, me.id))))
      .orderBy(desc(talks.id)).limit(20);
    if (!rows.length) return text('您还没有谈心谈话。可发送“谈话 预约 <姓名> <时间>”预约。');
    const lines = rows.map((r) => talkLine({ ...r.t, hostName: r.hostName, guestName: r.guestName }, me.id, r.t.hostId, ctx.now, ctx.tz));
    return { kind: 'card', title: '我的谈心谈话', text: `${lines.join('\n')}\n\n发送“谈话 查看 <编号>”查看详情。` };
  },
});

export const talkRecordCommands: AnyCommand[] = [talkRecord, talkBackfill, talkShow, talkList];
