import { and, eq, isNull } from 'drizzle-orm';
import { meetings } from '../db/schema/index.ts';
import { arg, option, type InferOptions } from '../src/bot/args.ts';
import { command, usageOf } from '../src/bot/command.ts';
import type { CommandContext } from '../src/bot/context.ts';
import { UserError } from '../src/bot/errors.ts';
import type { Reply } from '../src/bot/types.ts';
import { assertCanCorrect, assertCanOrganise, assertCanView, ORGANISER_ROLES } from '../src/meetings/access.ts';
import { buildAttendance, isExpected, parseAbsentees, type Absentee } from '../src/meetings/attendees.ts';
import { plannedCard, recordCard } from '../src/meetings/cards.ts';
import { kindOrRefuse, meetingTitle } from '../src/meetings/format.ts';
import { defaultHost, resolveGroup, resolveRecorder } from '../src/meetings/people.ts';
import { saveRecord, type RecordDraft } from '../src/meetings/record.ts';
import { loadRecord, responsesOf, type MeetingRecord } from '../src/meetings/store.ts';
import { branchMembers, targetBranch } from '../src/org/members.ts';
import { meetingScheduleCommands } from './meeting-schedule.ts';
import { meetingLedgerCommands } from './meeting-ledger.ts';

const recordOptions = {
  place: option(['地点'], arg.text('地点', { max: 60 }).optional()),
  topic: option(['主题', '议题'], arg.text('主题', { max: 200 }).optional()),
  host: option(['主持', '主持人'], arg.text('主持人', { max: 40 }).optional()),
  recorder: option(['记录', '记录人'], arg.text('记录人').optional()),
  absent: option(['缺席'], arg.text('缺席人员及原因，如 李四(出差),王五(病假)').optional()),
  decisions: option(['决议', '决定'], arg.text('决议内容', { max: 1000 }).optional()),
  voteItem: option(['表决'], arg.text('表决事项', { max: 200 }).optional()),
  inFavour: option(['赞成'], arg.int('赞成票数', { min: 0 }).optional()),
};

type RecordOptions = InferOptions<typeof recordOptions>;

function notInFuture(ctx: CommandContext, heldAt: Date, id?: number): void {
  if (heldAt <= ctx.now) return;
  throw new UserError(id === undefined
    ? '会议时间还没到，不能登记为已召开。如需提前通知参会人员，请用“会议 安排”。'
    : '会议还没有召开，请在会后登记。');
}

function recorded(r: MeetingRecord, ctx: CommandContext, title: string): Reply {
  return { ...recordCard(r, ctx.tz, title), text: `如有错漏，记录人或书记可发送“会议 更正 ${r.id} …”更正，例如“会议 更正 ${r.id} 缺席:姓名(原因)”。` };
}

/** A new record, or the record of a meeting announced with `会议 安排`. */
async function draftFor(ctx: CommandContext, o: RecordOptions, base: {
  kind: RecordDraft['kind']; branchId: number; groupId: number | null; heldAt: Date;
  planned?: MeetingRecord;
}): Promise<RecordDraft> {
  const all = await branchMembers(ctx.db, base.branchId);
  const p = base.planned;
  const invitees = p ? p.attendance : all.filter((m) => isExpected(base.kind, m, base.groupId))
    .map((m) => ({ memberId: m.id, name: m.name, status: m.status }));
  let absentees: Absentee[] = [];
  if (o.absent !== undefined) absentees = parseAbsentees(o.absent);
  else if (p) {
    absentees = (await responsesOf(ctx.db, ctx.tenant.id, p.id)).filter((r) => r.answer === '请假')
      .map((r) => ({ name: r.name, memberId: r.memberId, reason: r.reason ?? '请假' }));
  }
  return {
    kind: base.kind, branchId: base.branchId, partyGroupId: base.groupId, heldAt: base.heldAt,
    place: o.place ?? p?.place ?? null,
    topic: o.topic ?? p?.topic ?? null,
    hostName: o.host ?? p?.hostName ?? defaultHost(all, base.kind, base.groupId, ctx),
    recorderId: o.recorder === undefined && p?.recorderId ? p.recorderId : resolveRecorder(all, o.recorder, ctx),
    decisions: o.decisions ?? null,
    voteItem: o.voteItem ?? null,
    inFavour: o.inFavour ?? null,
    attendance: buildAttendance(invitees, absentees, all),
  };
}

export const meetingRecord = command({
  name: '会议 登记',
  aliases: ['meeting log', '会议 记录'],
  args: { what: arg.text('会议类型或通知编号'), when: arg.datetime('召开时间').optional() },
  options: {
    ...recordOptions,
    group: option(['小组', '党小组'], arg.text('党小组名称').optional()),
    branch: option('支部', arg.text('支部名称').optional()),
  },
  access: { roles: ORGANISER_ROLES },
  help: '登记已召开的会议（三会一课、主题党日等）：时间、地点、主题、缺席人员及原因、决议',
  examples: [
    '会议 登记 支委会 2026-11-20 15:00 主题:“研究发展党员工作” 缺席:李四(出差)',
    '会议 登记 党员大会 2026-11-28 14:30 地点:三楼会议室 表决:“接收张三为预备党员” 赞成:8',
    '会议 登记 12',
  ],
  run: async (input, ctx) => {
    if (/^\d+$/.test(input.what)) {
      const id = Number(input.what);
      const planned = await loadRecord(ctx.db, ctx.tenant.id, id);
      if (planned.status === 'held') throw new UserError(`编号 ${id} 的会议已登记。如需修改，请发送“会议 更正 ${id} …”。`);
      if (planned.status === 'cancelled') throw new UserError(`编号 ${id} 的会议已取消，不能登记。`);
      await assertCanOrganise(ctx, planned.branchId, planned.kind, planned.partyGroupId);
      const heldAt = input.when ?? planned.heldAt;
      notInFuture(ctx, heldAt, id);
      const draft = await draftFor(ctx, input, { kind: planned.kind, branchId: planned.branchId, groupId: planned.partyGroupId, heldAt, planned });
      await saveRecord(ctx, draft, { row: planned, attendance: planned.attendance });
      return recorded(await loadRecord(ctx.db, ctx.tenant.id, id), ctx, '已登记');
    }
    const kind = kindOrRefuse(input.what);
    if (!input.when) throw new UserError('请写明召开时间。', usageOf(meetingRecord));
    notInFuture(ctx, input.when);
    const branch = await targetBranch(ctx, input.branch);
    const group = await resolveGroup(ctx, branch.id, kind, input.group);
    await assertCanOrganise(ctx, branch.id, kind, group?.id ?? null);
    const [dup] = await ctx.db.select({ id: meetings.id }).from(meetings).where(and(eq(meetings.tenantId, ctx.tenant.id),
      eq(meetings.branchId, branch.id), eq(meetings.kind, kind), eq(meetings.status, 'held'), eq(meetings.heldAt, input.when),
      group ? eq(meetings.partyGroupId, group.id) : isNull(meetings.partyGroupId)));
    if (dup) throw new UserError(`这次${meetingTitle(kind, group?.name)}已登记（编号 ${dup.id}）。如需修改，请发送“会议 更正 ${dup.id} …”。`);
    const draft = await draftFor(ctx, input, { kind, branchId: branch.id, groupId: group?.id ?? null, heldAt: input.when });
    const row = await saveRecord(ctx, draft);
    return recorded(await loadRecord(ctx.db, ctx.tenant.id, row.id), ctx, '已登记');
  },
});

export const meetingCorrect = command({
  name: '会议 更正',
  aliases: ['meeting fix', '会议 修改'],
  args: { id: arg.int('会议编号', { min: 1 }), when: arg.datetime('召开时间').optional() },
  options: recordOptions,
  access: 'member',
  help: '更正已登记的会议记录（记录人或书记），留有修改记录',
  examples: ['会议 更正 3 缺席:李四(出差),王五(病假)', '会议 更正 3 2026-11-20 16:00 地点:二楼党员活动室'],
  run: async (input, ctx) => {
    const before = await loadRecord(ctx.db, ctx.tenant.id, input.id);
    if (before.status === 'planned') throw new UserError(`编号 ${input.id} 的会议还没有登记记录。会后请发送“会议 登记 ${input.id}”。`);
    if (before.status === 'cancelled') throw new UserError(`编号 ${input.id} 的会议已取消。`);
    assertCanCorrect(ctx, before);
    const { when, ...o } = input;
    if (!when && Object.keys(recordOptions).every((k) => o[k as keyof RecordOptions] === undefined)) {
      throw new UserError('没有要更正的内容。可更正：时间、地点、主题、主持、记录、缺席、决议、表决、赞成。', usageOf(meetingCorrect));
    }
    const heldAt = when ?? before.heldAt;
    notInFuture(ctx, heldAt);
    const all = await branchMembers(ctx.db, before.branchId);
    const draft: RecordDraft = {
      kind: before.kind, branchId: before.branchId, partyGroupId: before.partyGroupId, heldAt,
      place: o.place ?? before.place,
      topic: o.topic ?? before.topic,
      hostName: o.host ?? before.hostName,
      recorderId: o.recorder !== undefined ? resolveRecorder(all, o.recorder, ctx) : before.recorderId,
      decisions: o.decisions ?? before.decisions,
      voteItem: o.voteItem ?? before.voteItem,
      inFavour: o.inFavour ?? before.inFavour,
      attendance: o.absent === undefined ? before.attendance : buildAttendance(before.attendance, parseAbsentees(o.absent), all),
    };
    await saveRecord(ctx, draft, { row: before, attendance: before.attendance });
    return recorded(await loadRecord(ctx.db, ctx.tenant.id, input.id), ctx, '已更正');
  },
});

export const meetingShow = command({
  name: '会议 查看',
  aliases: ['meeting show'],
  args: { id: arg.int('会议编号', { min: 1 }) },
  access: 'member',
  help: '查看一次会议的记录，或已发通知的回复情况',
  examples: ['会议 查看 3'],
  run: async ({ id }, ctx) => {
    const r = await loadRecord(ctx.db, ctx.tenant.id, id);
    await assertCanView(ctx, r);
    if (r.status === 'held') return recordCard(r, ctx.tz);
    return plannedCard(r, await responsesOf(ctx.db, ctx.tenant.id, id), ctx.tz);
  },
});

export const meetingCommands = [meetingRecord, meetingCorrect, meetingShow, ...meetingScheduleCommands, ...meetingLedgerCommands];
