import { and, eq } from 'drizzle-orm';
import { meetingResponses, meetings } from '../db/schema/index.ts';
import { arg, option } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { UserError } from '../src/bot/errors.ts';
import type { Reply } from '../src/bot/types.ts';
import { assertCanOrganise, ORGANISER_ROLES } from '../src/meetings/access.ts';
import { isExpected } from '../src/meetings/attendees.ts';
import { cancelCard, noticeCard } from '../src/meetings/cards.ts';
import { kindOrRefuse, meetingTitle, shortWhen, whenLabel } from '../src/meetings/format.ts';
import { defaultHost, resolveGroup, resolveRecorder } from '../src/meetings/people.ts';
import { recipientsByMember } from '../src/meetings/recipients.ts';
import { loadRecord, writeAttendance } from '../src/meetings/store.ts';
import { branchMembers, targetBranch } from '../src/org/members.ts';

/** Sends `reply` privately to every invitee with a bound account; returns the names it could not reach. */
async function tellInvitees(
  ctx: CommandContext, invitees: readonly { memberId: number; name: string }[], key: string, reply: Reply,
): Promise<string[]> {
  const byMember = await recipientsByMember(ctx.db, ctx.tenant.id, invitees.map((i) => i.memberId));
  const unreached: string[] = [];
  for (const i of invitees) {
    const recipients = byMember.get(i.memberId) ?? [];
    if (!recipients.length) unreached.push(i.name);
    for (const recipient of recipients) {
      await ctx.enqueue({ recipient, reply, kind: 'reminder', dedupeKey: `${key}:${recipient.platform}:${recipient.id}` });
    }
  }
  return unreached;
}

const unreachedLine = (names: readonly string[]) =>
  names.length ? `\n${names.length} 人尚未绑定账号，未能通知：${names.join('、')}。请线下通知。` : '';

export const meetingSchedule = command({
  name: '会议 安排',
  aliases: ['meeting plan', '会议 通知'],
  args: { what: arg.text('会议类型'), when: arg.datetime('召开时间') },
  options: {
    place: option(['地点'], arg.text('地点', { max: 60 }).optional()),
    topic: option(['主题', '议题'], arg.text('主题', { max: 200 }).optional()),
    host: option(['主持', '主持人'], arg.text('主持人', { max: 40 }).optional()),
    recorder: option(['记录', '记录人'], arg.text('记录人').optional()),
    group: option(['小组', '党小组'], arg.text('党小组名称').optional()),
    branch: option('支部', arg.text('支部名称').optional()),
  },
  access: { roles: ORGANISER_ROLES },
  help: '提前安排会议：向应参会人员发送通知（可回复参加或请假），会前一天和一小时提醒',
  examples: ['会议 安排 主题党日 2026-12-18 14:30 地点:党员活动室 主题:“学习贯彻全会精神”'],
  run: async (input, ctx) => {
    const kind = kindOrRefuse(input.what);
    if (input.when <= ctx.now) throw new UserError('会议时间已过。已召开的会议请用“会议 登记”登记。');
    const branch = await targetBranch(ctx, input.branch);
    const group = await resolveGroup(ctx, branch.id, kind, input.group);
    const groupId = group?.id ?? null;
    await assertCanOrganise(ctx, branch.id, kind, groupId);
    const all = await branchMembers(ctx.db, branch.id);
    const invitees = all.filter((m) => isExpected(kind, m, groupId)).map((m) => ({ memberId: m.id, name: m.name, status: m.status }));
    const title = meetingTitle(kind, group?.name);
    if (!invitees.length) throw new UserError(`没有找到应参加${title}的人员。请先用“成员 设置”设置身份、职务或党小组。`);
    const [row] = await ctx.db.insert(meetings).values({
      tenantId: ctx.tenant.id, branchId: branch.id, partyGroupId: groupId, kind, status: 'planned', heldAt: input.when,
      place: input.place ?? null, topic: input.topic ?? null, hostName: input.host ?? defaultHost(all, kind, groupId, ctx),
      recorderId: resolveRecorder(all, input.recorder, ctx), createdBy: ctx.asker.member?.id ?? null,
      createdAt: ctx.now, updatedAt: ctx.now,
    }).returning();
    const m = row!;
    await writeAttendance(ctx.db, ctx.tenant.id, m.id, invitees.map((i) => ({ ...i, present: null, absenceReason: null })));
    await ctx.audit({ action: 'schedule', entity: 'meeting', entityId: m.id, after: { ...m, invitees: invitees.map((i) => i.name) } });
    const notice = noticeCard({ ...m, kind, groupName: group?.name ?? null }, branch.name, ctx.tz);
    const unreached = await tellInvitees(ctx, invitees, `meeting-invite:${m.id}`, notice);
    return {
      kind: 'card', title: `已发出会议通知 · ${title}`, tone: 'success',
      text: `会前一天和一小时将再次提醒未请假的人员。“会议 查看 ${m.id}”查看回复情况；会后发送“会议 登记 ${m.id}”登记会议记录。`
        + unreachedLine(unreached),
      fields: [
        { label: '编号', value: String(m.id) },
        { label: '时间', value: whenLabel(m.heldAt, ctx.tz) },
        { label: '通知', value: `${invitees.length - unreached.length} / ${invitees.length} 人` },
      ],
    };
  },
});

export const meetingAnswer = command({
  name: '会议 回复',
  aliases: ['meeting reply'],
  args: { id: arg.int('会议编号', { min: 1 }), answer: arg.choice('回复', ['参加', '请假'], { 出席: '参加', 不参加: '请假' }) },
  options: { reason: option(['原因'], arg.text('请假原因', { max: 50 }).optional()) },
  access: 'member',
  help: '回复会议通知：参加或请假（可写原因）',
  examples: ['会议 回复 12 参加', '会议 回复 12 请假 原因:出差'],
  run: async ({ id, answer, reason }, ctx) => {
    const m = await loadRecord(ctx.db, ctx.tenant.id, id);
    if (m.status === 'cancelled') throw new UserError('这次会议已取消，无需回复。');
    if (m.status === 'held' || m.heldAt <= ctx.now) throw new UserError('会议已经开始，不能再回复。如有情况，请直接联系会议组织者。');
    const me = ctx.asker.member;
    if (!me || !m.attendance.some((a) => a.memberId === me.id)) throw new UserError('您不在这次会议的通知名单中。');
    const values = { answer, reason: answer === '请假' ? reason ?? null : null, answeredAt: ctx.now };
    const [before] = await ctx.db.select().from(meetingResponses)
      .where(and(eq(meetingResponses.meetingId, id), eq(meetingResponses.memberId, me.id)));
    const [after] = await ctx.db.insert(meetingResponses).values({ tenantId: ctx.tenant.id, meetingId: id, memberId: me.id, ...values })
      .onConflictDoUpdate({ target: [meetingResponses.meetingId, meetingResponses.memberId], set: values })
      .returning();
    await ctx.audit({ action: 'answer', entity: 'meeting-response', entityId: after!.id, before: before ?? null, after });
    const what = `${meetingTitle(m.kind, m.groupName)}（${shortWhen(m.heldAt, ctx.tz)}）`;
    if (answer === '参加') return { kind: 'text', text: `已回复参加：${what}。` };
    return {
      kind: 'text',
      text: `已为您请假${values.reason ? `（${values.reason}）` : ''}：${what}。`
        + (values.reason ? '' : `如需说明原因，请发送“会议 回复 ${id} 请假 原因:…”。`),
    };
  },
});

export const meetingCancel = command({
  name: '会议 取消',
  aliases: ['meeting cancel'],
  args: { id: arg.int('会议编号', { min: 1 }) },
  options: { reason: option(['原因'], arg.text('取消原因', { max: 100 }).optional()) },
  access: { roles: ORGANISER_ROLES },
  help: '取消已通知的会议，并告知参会人员',
  examples: ['会议 取消 12 原因:与上级会议冲突，另行通知'],
  run: async ({ id, reason }, ctx) => {
    const r = await loadRecord(ctx.db, ctx.tenant.id, id);
    if (r.status === 'held') throw new UserError('这次会议已登记为已召开，不能取消。如登记有误，请用“会议 更正”。');
    if (r.status === 'cancelled') throw new UserError('这次会议已经取消了。');
    await assertCanOrganise(ctx, r.branchId, r.kind, r.partyGroupId);
    const [after] = await ctx.db.update(meetings)
      .set({ status: 'cancelled', cancelReason: reason ?? null, updatedAt: ctx.now, version: r.version + 1 })
      .where(and(eq(meetings.id, id), eq(meetings.tenantId, ctx.tenant.id), eq(meetings.version, r.version))).returning();
    if (!after) throw new UserError(`编号 ${id} 的会议刚被他人修改，请重新发送命令。`);
    const { attendance: _a, ...before } = r;
    await ctx.audit({ action: 'cancel', entity: 'meeting', entityId: id, before, after });
    const unreached = await tellInvitees(ctx, r.attendance, `meeting-cancel:${id}`, cancelCard(r, reason ?? null, ctx.tz));
    return {
      kind: 'text',
      text: `已取消${meetingTitle(r.kind, r.groupName)}（${shortWhen(r.heldAt, ctx.tz)}），并已通知参会人员。`
        + unreachedLine(unreached),
    };
  },
});

export const meetingScheduleCommands = [meetingSchedule, meetingAnswer, meetingCancel];
