/**
 * Recording one step of a person's development: the rules of src/domain/development.ts checked on
 * entry, the row written with its audit, and the status hand-overs (预备党员 from the 支部大会 date,
 * 正式党员 from the end of the 预备期) through the member-change path.
 */
import { developmentSteps, type StepDetails } from '../../db/schema/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import type { MemberStatus } from '../bot/roles.ts';
import { localDate } from '../domain/calendar.ts';
import {
  probationEnd, validateStep, type DevelopmentStep, type StepFacts, type StepRecord,
} from '../domain/development.ts';
import { countEligibleVoters } from '../domain/meetings.ts';
import { assertInBranch, branchMembers, findMember, type MemberRow } from '../org/members.ts';
import { stepLabel, statusRank } from './format.ts';
import { parseMonths, parseTraining, splitList } from './options.ts';
import { changeMember, type MemberPatch } from './status.ts';
import { lockMember, stepsOf, toRecord, type StepRow } from './store.ts';

/** `发展 登记` as typed; option values are still text where they need the step to be read. */
export interface StepInput {
  step: DevelopmentStep;
  date?: string;
  doneBy?: string;
  documents?: string;
  note?: string;
  birthDate?: string;
  introducers?: string;
  training?: string;
  eligible?: number;
  present?: number;
  inFavour?: number;
  extension?: string;
}

export interface Recorded {
  row: StepRow;
  history: StepRecord[];
  before: MemberRow;
  after: MemberRow;
}

// Which step each fact belongs to; given on another step it is a mistake worth saying so.
const ONLY_ON: [keyof StepInput, string, readonly number[]][] = [
  ['birthDate', '出生日期', [1]], ['introducers', '介绍人', [9]], ['training', '培训', [11]],
  ['eligible', '应到', [15, 23]], ['present', '实到', [15, 23]], ['inFavour', '赞成', [15, 23]], ['extension', '延长', [23]],
];

const HINTS: Record<number, string> = {
  1: '例如：发展 登记 王五 递交申请书 2026-03-01 出生日期:2000-05-01',
  9: '例如：发展 登记 王五 介绍人 2025-09-15 介绍人:张三,李四',
  11: '例如：发展 登记 王五 集中培训 2025-11-10 培训:3天',
  15: '例如：发展 登记 王五 支部大会 2026-01-31 应到:9 实到:7 赞成:6',
  23: '例如：发展 登记 王五 转正 2027-02-01 应到:9 实到:7 赞成:6（延长预备期另加 延长:6个月）',
};

async function introducersOf(ctx: CommandContext, person: MemberRow, text: string | undefined) {
  if (text === undefined) return undefined;
  const names = splitList(text);
  const rows: MemberRow[] = [];
  for (const name of names) {
    const m = await findMember(ctx, name);
    if (m.id === person.id) throw new UserError('入党介绍人不能是发展对象本人。');
    rows.push(m);
  }
  return rows;
}

async function voteOf(ctx: CommandContext, person: MemberRow, input: StepInput): Promise<StepFacts['vote']> {
  const { eligible, present, inFavour } = input;
  if (eligible === undefined && present === undefined && inFavour === undefined) return undefined;
  if (present === undefined || inFavour === undefined) {
    throw new UserError(`表决情况请写明实到人数和赞成人数（应到人数不写时按本支部正式党员人数计）。\n${HINTS[input.step.no]}`);
  }
  // 应到 defaults to the branch's 正式党员 today: only they vote (预备党员 have no vote).
  const counted = eligible ?? (person.branchId ? countEligibleVoters(await branchMembers(ctx.db, person.branchId)) : 0);
  return { eligible: counted, present, inFavour };
}

export async function recordStep(ctx: CommandContext, ref: string, input: StepInput): Promise<Recorded> {
  const found = await findMember(ctx, ref);
  assertInBranch(ctx, found.branchId);
  const member = await lockMember(ctx.db, ctx.tenant.id, found.id);
  const no = input.step.no;
  const label = stepLabel(no);
  for (const [key, name, steps] of ONLY_ON) {
    if (input[key] !== undefined && !steps.includes(no)) {
      throw new UserError(`“${name}”只用于${steps.map(stepLabel).join('、')}，${label}不需要。`);
    }
  }
  const today = localDate(ctx.now, ctx.tz);
  const date = input.date ?? today;
  if (date > today) throw new UserError(`${label}的日期（${date}）晚于今天，只能登记已经完成的步骤。`);

  const rows = await stepsOf(ctx.db, ctx.tenant.id, member.id);
  const history = rows.map(toRecord);
  const introducers = await introducersOf(ctx, member, input.introducers);
  const training = input.training === undefined ? {} : parseTraining(input.training);
  const extensionMonths = input.extension === undefined ? undefined : parseMonths(input.extension);
  const vote = await voteOf(ctx, member, input);
  const facts: StepFacts = {
    birthDate: input.birthDate ?? member.birthDate ?? undefined,
    introducers: introducers?.map((m) => ({ memberId: m.id, status: m.status as MemberStatus })),
    ...training,
    ...(vote && { vote }),
    ...(extensionMonths !== undefined && { extensionMonths }),
  };
  const next: StepRecord = extensionMonths ? { step: no, date, extensionMonths } : { step: no, date };
  const check = validateStep(history, next, facts);
  if (!check.ok) {
    const hint = HINTS[no] && /请提供|现为0名/.test(check.message) ? `\n${HINTS[no]}` : '';
    throw new UserError(`不能登记${label}：${check.message}\n依据：${check.rule}${hint}`);
  }

  const details: StepDetails = {
    ...(introducers && { introducers: introducers.map((m) => ({ id: m.id, name: m.name })) }),
    ...training,
    ...(vote && { vote }),
    ...(extensionMonths && { extensionMonths }),
  };
  const documents = input.documents === undefined ? [...input.step.documents]
    : ['无', '暂无'].includes(input.documents.trim()) ? [] : splitList(input.documents);
  const asker = ctx.asker.member;
  const [row] = await ctx.db.insert(developmentSteps).values({
    tenantId: ctx.tenant.id, memberId: member.id, step: no, date, doneBy: input.doneBy ?? null, documents, details,
    note: input.note ?? null, recordedBy: asker?.id ?? null, recordedByName: asker?.name ?? '管理员', recordedAt: ctx.now,
  }).onConflictDoNothing().returning();
  if (!row) throw new UserError(`${label}已于${date}登记过。`);
  await ctx.audit({ action: 'development.record', entity: 'development_step', entityId: row.id, after: row });

  const all = [...history, next];
  const after = await changeMember(ctx, member, handOver(member, input, all));
  return { row, history: all, before: member, after };
}

/** What the new step changes on the member: status only forwards, and the dates dues and 党龄 count from. */
function handOver(member: MemberRow, input: StepInput, history: readonly StepRecord[]): MemberPatch {
  const { step } = input;
  const patch: MemberPatch = {};
  const date = history.at(-1)!.date;
  if (input.birthDate) patch.birthDate = input.birthDate;
  if (step.movesTo && statusRank(step.movesTo) > statusRank(member.status)) {
    patch.status = step.movesTo;
    patch.statusSince = date;
  }
  // 预备期 and dues run from the 支部大会 that accepted the person (细则 Art.32), not from the approval.
  if (step.no === 17) patch.probationarySince = history.find((r) => r.step === 15)!.date;
  // 党龄 runs from the day the 预备期 ended (党章 Art.7), whenever the approval came.
  if (step.no === 24) patch.fullSince = probationEnd(history)!;
  return patch;
}
