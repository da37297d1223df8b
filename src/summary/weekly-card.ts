/**
 * The weekly summary as a card for a group chat: aggregates only. No name, no individual amount, no
 * anonymous handle, not even who was absent — a group post is read by everyone in the group.
 */
import { wallClock, weekdayZh } from '../bot/time.ts';
import type { CardChart, CardReply } from '../bot/types.ts';
import { localDate } from '../domain/calendar.ts';
import { meetingTitle, shortPeriodLabel, shortWhen } from '../meetings/format.ts';
import { SOON_DAYS, rateLine, share, type DueItem } from './figures.ts';
import type { MeetingItem } from './queries.ts';
import type { WeekFigures } from './week.ts';

/** 11月24日 */
export function dayLabel(at: Date, tz: string): string {
  const w = wallClock(at, tz);
  return `${w.m}月${w.d}日`;
}

/** '2026-11-30' → 11月30日 */
const lastDayLabel = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

const periodName = (key: string) => (/^\d{4}$/.test(key) ? `${key}年度` : shortPeriodLabel(key));

const title = (m: Pick<MeetingItem, 'kind' | 'partyGroupName'>) => meetingTitle(m.kind, m.partyGroupName);

function meetingLines(w: WeekFigures, tz: string): string[] {
  const lines = [w.held.length
    ? `本周召开 ${w.held.length} 次：${w.held.map((m) => `${title(m)}（${dayLabel(m.at, tz)}）`).join('、')}`
    : '本周没有登记召开的会议'];
  if (w.planned.length) lines.push(`已安排：${w.planned.map((m) => `${title(m)}（${shortWhen(m.at, tz)}）`).join('、')}`);
  const later = new Map<string, string[]>();
  for (const d of w.outlook.dueNext.filter((x) => x.daysLeft >= SOON_DAYS)) later.set(d.lastDay, [...(later.get(d.lastDay) ?? []), title(d)]);
  for (const [day, names] of later) lines.push(`待召开（${lastDayLabel(day)}前）：${names.join('、')}`);
  return lines;
}

function duesLines(w: WeekFigures): string[] {
  const month = `${Number(w.month.slice(5, 7))}月`;
  const d = w.dues;
  if (d.due === 0) return [`${month}党费：暂无应交记录`];
  const pending = d.pending ? `，另有 ${d.pending} 人待出纳确认` : '';
  return [`${month}党费收缴 ${rateLine(share(d.paid, d.due))}`, `已交 ${d.paid}/${d.due} 人${pending}`];
}

function talkLines(w: WeekFigures): string[] {
  const lines = [`本周谈话 ${w.talks.held} 次，未来一周已约 ${w.talks.upcoming} 次`];
  const c = w.coverage;
  if (c.party > 0) lines.push(`年度覆盖 ${rateLine(share(c.covered, c.party))}（${c.covered}/${c.party} 名党员）`);
  return lines;
}

function dueSoonLine(d: DueItem): string {
  const left = d.daysLeft === 0 ? '今天截止' : `还剩 ${d.daysLeft} 天`;
  return `${title(d)}：${lastDayLabel(d.lastDay)}前应召开（${left}）`;
}

/** A meeting already announced for before the deadline is in hand, not something to act on. */
const isPlanned = (w: WeekFigures, d: DueItem, tz: string) => w.planned.some((m) =>
  m.kind === d.kind && (m.partyGroupName ?? '') === (d.partyGroupName ?? '') && localDate(m.at, tz) <= d.lastDay);

/** What the branch has to act on, most pressing first. */
export function actionLines(w: WeekFigures, tz: string): string[] {
  const out = [
    ...w.outlook.missed.map((d) => `${periodName(d.periodKey)}${title(d)}未召开（如已召开，请补登）`),
    ...w.outlook.dueNext.filter((d) => d.daysLeft < SOON_DAYS && !isPlanned(w, d, tz)).map(dueSoonLine),
  ];
  if (w.appealsOverdue) out.push(`职工诉求 ${w.appealsOverdue} 件已超过办理时限`);
  if (w.developmentOverdue) out.push(`发展党员工作 ${w.developmentOverdue} 项已超过规定时限`);
  if (w.unpaidLastMonth) out.push(`上月党费尚有 ${w.unpaidLastMonth} 人未交，由支部会计个别联系`);
  return out;
}

/** The card posted to a branch's group chat. */
export function weeklyCard(w: WeekFigures, tz: string): CardReply {
  const actions = actionLines(w, tz);
  const text = [
    `统计时段：${dayLabel(w.from, tz)}（${weekdayZh(w.from, tz)}）至 ${dayLabel(w.to, tz)}（${weekdayZh(w.to, tz)}）`,
    '',
    '**组织生活**',
    ...meetingLines(w, tz),
    '',
    '**党费收缴**',
    ...duesLines(w),
    '',
    '**谈心谈话**',
    ...talkLines(w),
    ...(actions.length ? ['', '**需要办理**', ...actions.map((a) => `• ${a}`)] : []),
    '',
    '以上为支部汇总数字，不含个人信息。',
  ];
  const chart = weeklyChart(w);
  return {
    kind: 'card', title: `${w.branch.name} 本周工作小结`, tone: actions.length ? 'warning' : 'info', text: text.join('\n'),
    ...(chart ? { chart } : {}),
  };
}

/** The two shares as bars (drawn on Feishu), when there is something to measure. */
function weeklyChart(w: WeekFigures): CardChart | undefined {
  const bars: CardChart['bars'] = [];
  const dues = share(w.dues.paid, w.dues.due);
  if (dues !== null) bars.push({ label: `${Number(w.month.slice(5, 7))}月党费收缴`, percent: dues * 100 });
  const coverage = share(w.coverage.covered, w.coverage.party);
  if (coverage !== null) bars.push({ label: '年度谈话覆盖', percent: coverage * 100 });
  return bars.length ? { title: '收缴率与谈话覆盖率（%）', bars } : undefined;
}
