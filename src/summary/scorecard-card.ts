/**
 * The monthly scorecard (工作简报) as cards: one per branch for its 书记, and all branches side by
 * side for the tenant's admins. Branch-level figures only, each beside last month's; branches are
 * listed in a fixed order, never ranked (2024 rules against 指尖上的形式主义).
 */
import type { CardReply } from '../bot/types.ts';
import { formatYuan } from '../domain/dues.ts';
import { stars } from '../appeals/figures.ts';
import { meetingTitle } from '../meetings/format.ts';
import { percent, rateLine, share } from './figures.ts';
import type { BranchScore, MonthScore } from './month.ts';

/** Branches per admin card: keeps a card well inside Feishu's 30 KB and DingTalk's 15,000 bytes. */
export const BRANCHES_PER_PAGE = 40;

const monthZh = (key: string) => `${Number(key.slice(5, 7))}月`;
const monthTitle = (key: string) => `${key.slice(0, 4)}年${Number(key.slice(5, 7))}月`;

/** `4/5（80%）`, or a dash when nothing was due. */
function ratio(part: number, whole: number, unit = ''): string {
  return whole > 0 ? `${part}/${whole}${unit}（${percent(share(part, whole))}）` : '—';
}

const meetingRate = (s: MonthScore) => share(s.meetings.held, s.meetings.due);
const duesRate = (s: MonthScore) => share(s.dues.paid, s.dues.due);
const talkRate = (s: MonthScore) => share(s.coverage.covered, s.coverage.party);

function appealsLine(s: MonthScore): string {
  const a = s.appeals;
  if (!a) return '无';
  const parts = [`收到 ${a.received} 件`, `办结 ${a.resolved} 件`];
  if (a.onTimeRate !== null) parts.push(`按时办结率 ${percent(a.onTimeRate)}`);
  if (a.averageRating !== null) parts.push(`平均评价 ${stars(a.averageRating)}`);
  return parts.join('，');
}

/** The card for one branch's 书记. */
export function secretaryCard(s: BranchScore, monthKey: string, previousKey: string): CardReply {
  const m = s.month;
  const p = s.previous;
  const prev = monthZh(previousKey);
  const missing = m.meetings.missing.map((r) => meetingTitle(r.kind, r.partyGroupName));
  const lines = [
    `各项为本支部汇总，与${prev}对照。`,
    '',
    `**组织生活**（本月到期的会议）　${rateLine(meetingRate(m))}`,
    `已开 ${ratio(m.meetings.held, m.meetings.due, ' 次')}；${prev} ${ratio(p.meetings.held, p.meetings.due, ' 次')}`,
    ...(missing.length ? [`未召开：${missing.join('、')}`] : []),
    '',
    `**党费收缴**　${rateLine(duesRate(m))}`,
    `已交 ${ratio(m.dues.paid, m.dues.due, ' 人')}；${prev} ${ratio(p.dues.paid, p.dues.due, ' 人')}`,
    ...(m.dues.due > 0 ? [`金额：已交 ${formatYuan(m.dues.paidFen)} 元，应交 ${formatYuan(m.dues.dueFen)} 元`] : []),
    ...(m.dues.pending > 0 ? [`另有 ${m.dues.pending} 人已登记、待出纳确认`] : []),
    '',
    `**谈心谈话**（年度覆盖）　${rateLine(talkRate(m))}`,
    `至${monthZh(monthKey)}底 ${ratio(m.coverage.covered, m.coverage.party, ' 人')}；至${prev}底 ${ratio(p.coverage.covered, p.coverage.party, ' 人')}`,
  ];
  if (m.appeals || p.appeals) lines.push('', '**职工诉求**', `本月：${appealsLine(m)}`, `${prev}：${appealsLine(p)}`);
  lines.push('', '简报只统计支部整体情况，不对个人排名。');
  return { kind: 'card', title: `${s.branch.name} ${monthTitle(monthKey)}工作简报`, tone: 'info', text: lines.join('\n') };
}

function change(cur: number | null, prev: number | null): string {
  return `${percent(cur)}（上月 ${percent(prev)}）`;
}

/** One branch on one line, current month with last month in brackets. */
export function branchLine(s: BranchScore): string {
  const parts = [
    `组织生活 ${s.month.meetings.held}/${s.month.meetings.due} ${change(meetingRate(s.month), meetingRate(s.previous))}`,
    `党费 ${change(duesRate(s.month), duesRate(s.previous))}`,
    `谈话覆盖 ${change(talkRate(s.month), talkRate(s.previous))}`,
  ];
  const a = s.month.appeals;
  if (a) parts.push(`诉求 收${a.received} 结${a.resolved}`);
  return `**${s.branch.name}**：${parts.join('｜')}`;
}

const collator = new Intl.Collator('zh-Hans-CN');

/**
 * Grouped by parent organisation, then in the order the branches were set up (第一、第二… read
 * naturally that way): an order that says nothing about results.
 */
export function byOrder(a: BranchScore, b: BranchScore): number {
  const pa = a.branch.parentOrg ?? '';
  const pb = b.branch.parentOrg ?? '';
  if (pa !== pb) return pa === '' ? 1 : pb === '' ? -1 : collator.compare(pa, pb);
  return a.branch.id - b.branch.id;
}

function totals(list: readonly BranchScore[]): string {
  const sum = (f: (s: BranchScore) => number) => list.reduce((n, s) => n + f(s), 0);
  return [
    `组织生活 ${ratio(sum((s) => s.month.meetings.held), sum((s) => s.month.meetings.due), ' 次')}`,
    `党费 ${ratio(sum((s) => s.month.dues.paid), sum((s) => s.month.dues.due), ' 人')}`,
    `谈话覆盖 ${ratio(sum((s) => s.month.coverage.covered), sum((s) => s.month.coverage.party), ' 人')}`,
  ].join('；');
}

/** The admins' cards: every branch side by side, BRANCHES_PER_PAGE to a card. */
export function adminCards(all: readonly BranchScore[], monthKey: string, tenantName: string): CardReply[] {
  const list = [...all].sort(byOrder);
  const pages = Math.max(1, Math.ceil(list.length / BRANCHES_PER_PAGE));
  const parents = new Set(list.map((s) => s.branch.parentOrg ?? ''));
  const cards: CardReply[] = [];
  for (let i = 0; i < pages; i++) {
    const slice = list.slice(i * BRANCHES_PER_PAGE, (i + 1) * BRANCHES_PER_PAGE);
    const lines = i === 0
      ? [`${tenantName}共 ${list.length} 个支部，合计：${totals(list)}`, '按支部设立顺序排列，不作排名；括号内为上月。', '']
      : [];
    let parent: string | undefined;
    for (const s of slice) {
      const here = s.branch.parentOrg ?? '';
      if (parents.size > 1 && here !== parent) lines.push(`【${here || '未设上级党组织'}】`);
      parent = here;
      lines.push(branchLine(s));
    }
    const page = pages > 1 ? `（第 ${i + 1}/${pages} 页）` : '';
    cards.push({ kind: 'card', title: `${monthTitle(monthKey)}各支部工作简报${page}`, tone: 'info', text: lines.join('\n') });
  }
  return cards;
}
