/** Filing an appeal: number, route, deadlines, the handler's card and the submitter's receipt. */
import { appeals } from '../../db/schema/index.ts';
import { formatHandle, handleFor, takeAnonQuota } from '../anon/index.ts';
import type { CommandContext } from '../bot/context.ts';
import { UserError } from '../bot/errors.ts';
import type { CardReply } from '../bot/types.ts';
import { localParts } from '../domain/calendar.ts';
import { appealScope } from './anon.ts';
import { envOf } from './env.ts';
import { handlerCard, limitsText, when, type Appeal } from './format.ts';
import { notifyMember } from './notify.ts';
import { nextTrackingNumber } from './numbers.ts';
import { routeHandler } from './routing.ts';
import { deadlinesOf, loadSlaContext } from './sla.ts';
import { recordEvent } from './store.ts';

/** A draft left without a category is dropped after this long. */
export const DRAFT_TTL_MS = 3 * 86_400_000;

/** Anonymous appeals one member may file per local day. */
export const ANON_APPEALS_PER_DAY = 5;

export interface Submission {
  anonymous: boolean;
  urgent: boolean;
  category?: string;
  content: string;
}

const ANON_WORDS = new Set(['匿名']);
const URGENT_WORDS = new Set(['紧急', '加急', '急']);

/** Leading words of `诉求 …`: 匿名, 紧急 and a category of the tenant's list, in any order. */
export function parseSubmission(text: string, categories: readonly string[]): Submission {
  const words = text.trim().split(' ');
  const out: Submission = { anonymous: false, urgent: false, content: '' };
  let i = 0;
  for (; i < words.length - 1; i++) {
    const w = words[i]!.replace(/^[【\[(（]|[】\])）]$/g, '');
    if (ANON_WORDS.has(w) && !out.anonymous) out.anonymous = true;
    else if (URGENT_WORDS.has(w) && !out.urgent) out.urgent = true;
    else if (!out.category && categories.includes(w)) out.category = w;
    else break;
  }
  out.content = words.slice(i).join(' ');
  return out;
}

/** The submitter's own member record, required to file: the appeal is routed within their branch. */
export function requireFiler(ctx: CommandContext): { id: number; branchId: number } {
  const me = ctx.asker.member;
  if (!me) throw new UserError('诉求需由职工本人提交，您的账号尚未绑定成员信息，请联系支部书记或管理员。');
  if (!me.branchId) throw new UserError('您尚未编入支部，诉求暂时无法分派。请联系支部书记或管理员。');
  return { id: me.id, branchId: me.branchId };
}

export async function fileAppeal(ctx: CommandContext, s: Submission & { category: string }): Promise<CardReply> {
  const me = requireFiler(ctx);
  const env = envOf(ctx);
  let anonHandle: number | null = null;
  if (s.anonymous) {
    const scope = appealScope(ctx.db, ctx.tenant.id);
    const quota = await takeAnonQuota(scope, me.id, { now: ctx.now, tz: ctx.tz, limit: ANON_APPEALS_PER_DAY });
    if (!quota.ok) throw new UserError(`今天已匿名提交 ${quota.limit} 件诉求，请明天再提交，或实名提交。`);
    anonHandle = await handleFor(scope, me.id);
  }
  const year = localParts(ctx.now, ctx.tz).year;
  const { seq, number } = await nextTrackingNumber(ctx.db, ctx.tenant.id, year);
  const handler = await routeHandler(ctx.db, ctx.tenant.id, me.branchId, s.category, me.id);
  const sla = await loadSlaContext(ctx.db, ctx.tenant, ctx.tz);
  const clock = {
    category: s.category, submittedAt: ctx.now, acceptedAt: null, urgency: s.urgent ? 'urgent' : 'normal',
    complexity: 'normal', pauses: [],
  };
  const { acceptBy } = deadlinesOf(clock, sla);
  const [a] = await ctx.db.insert(appeals).values({
    tenantId: ctx.tenant.id, branchId: me.branchId, year, seq, number,
    submitterId: s.anonymous ? null : me.id, anonHandle,
    category: s.category, urgency: clock.urgency, content: s.content, state: 'submitted',
    handlerId: handler?.id ?? null, submittedAt: ctx.now, acceptBy, updatedAt: ctx.now,
  }).returning();
  const appeal = a as Appeal;
  const submitter = anonHandle !== null ? formatHandle(anonHandle) : ctx.asker.member!.name;
  const actor = anonHandle !== null
    ? { id: null, label: submitter, anonymous: true } : { id: me.id, label: submitter, anonymous: false };
  const eventId = await recordEvent(env, appeal, { action: 'submit', to: 'submitted', actor });
  await env.audit({
    action: 'appeal.submit', entity: 'appeal', entityId: appeal.id,
    after: { number, category: s.category, urgency: clock.urgency, handlerId: appeal.handlerId, anonymous: s.anonymous },
  }, s.anonymous);
  if (handler) {
    await notifyMember(env, handler.id, appeal, `e${eventId}`,
      handlerCard(appeal, submitter, ctx.tz, ctx.now, '您有一件新的职工诉求，请及时受理。'));
  }
  return receipt(appeal, handler?.name ?? null, limitsText(sla.limitsFor(s.category), clock.urgency), ctx.tz);
}

function receipt(a: Appeal, handler: string | null, limits: string, tz: string): CardReply {
  const anon = a.anonHandle !== null
    ? `\n您选择了匿名提交：承办人只看到“${formatHandle(a.anonHandle)}”，看不到您的姓名和账号；每一步进展都会私信告诉您。`
    : '\n每一步进展都会私信告诉您。';
  return {
    kind: 'card',
    title: `诉求已提交：${a.number}`,
    tone: 'success',
    fields: [
      { label: '编号', value: a.number },
      { label: '类别', value: a.category },
      { label: '承办人', value: handler ?? '正在安排' },
      { label: '受理时限', value: `${when(a.acceptBy, tz)} 前` },
      { label: '办理时限', value: limits },
    ],
    text: `请记下编号。查询进度：**诉求 进度 ${a.number}**；补充情况：**诉求 补充 ${a.number} <内容>**。${anon}`,
  };
}
