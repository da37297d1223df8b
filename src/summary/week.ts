/**
 * The figures of the weekly summary for many branches of one tenant, in a fixed number of grouped
 * queries whatever the number of branches (the job covers a whole tenant at once).
 */
import type { Db } from '../../db/client.ts';
import { addMonths, localDate, localMonth, periodOf } from '../domain/calendar.ts';
import { MEETING_KINDS, requiredMeetings } from '../domain/meetings.ts';
import { parseSettings } from '../domain/settings.ts';
import { EMPTY_SHAPE, branchShapes } from '../meetings/ledger.ts';
import { meetingOutlook, mergeSince, outlookSince, type Outlook, type WeekSignals } from './figures.ts';
import {
  NO_DUES, coverageByBranch, duesByBranch, heldSince, overdueAppeals, overdueDevelopment, plannedByBranch, talkCounts,
  type Coverage, type DuesMonth, type MeetingItem, type TalkCounts,
} from './queries.ts';

const WEEK_MS = 7 * 86_400_000;

export interface BranchRef {
  id: number;
  name: string;
}

export interface WeekFigures {
  branch: BranchRef;
  from: Date;
  to: Date;
  /** 'YYYY-MM' of `to`: the month whose dues are shown. */
  month: string;
  held: MeetingItem[];
  planned: MeetingItem[];
  outlook: Outlook;
  dues: DuesMonth;
  /** Party members who have not paid for the month before `month`. */
  unpaidLastMonth: number;
  talks: TalkCounts;
  coverage: Coverage;
  appealsOverdue: number;
  developmentOverdue: number;
}

export interface TenantRef {
  id: number;
  settings: unknown;
}

/** Figures for `branches` over [from, to), as they stand at `to`. */
export async function weekFigures(
  db: Db, tenant: TenantRef, branches: readonly BranchRef[], window: { from: Date; to: Date }, tz: string,
): Promise<WeekFigures[]> {
  if (!branches.length) return [];
  const settings = parseSettings(tenant.settings);
  const { from, to } = window;
  const ids = branches.map((b) => b.id);
  const month = localMonth(to, tz);
  const ahead = new Date(to.getTime() + WEEK_MS);
  // Whatever the cadences, every kind held in the window is listed.
  const since = mergeSince(outlookSince(settings.meetingCadences, to, tz), Object.fromEntries(MEETING_KINDS.map((k) => [k, from])));
  const [shapes, held, planned, dues, talks, coverage, appeals, development] = await Promise.all([
    branchShapes(db, tenant.id, ids),
    heldSince(db, tenant.id, ids, since, to),
    plannedByBranch(db, tenant.id, ids, to, ahead),
    // Last month only: each month more of look-back is another pass over every member's ledger, and
    // arrears older than that are the 会计's business (src/dues reminds each person), not the group's.
    duesByBranch(db, tenant.id, ids, addMonths(month, -1), month),
    talkCounts(db, tenant.id, ids, from, to, ahead),
    coverageByBranch(db, tenant.id, ids, periodOf('year', to, tz).start, to),
    overdueAppeals(db, tenant.id, ids, to),
    overdueDevelopment(db, tenant.id, settings.development, localDate(to, tz)),
  ]);
  return branches.map((branch) => {
    const shape = shapes.get(branch.id) ?? EMPTY_SHAPE;
    const mine = held.get(branch.id) ?? [];
    const groupName = new Map(shape.partyGroups.map((g) => [String(g.id), g.name]));
    const d = dues.get(branch.id);
    return {
      branch, from, to, month,
      held: mine.filter((h) => h.heldAt >= from).map((h) => {
        const name = h.partyGroupId == null ? undefined : groupName.get(String(h.partyGroupId));
        return { kind: h.kind, at: h.heldAt, ...(name ? { partyGroupName: name } : {}) };
      }),
      planned: planned.get(branch.id) ?? [],
      outlook: meetingOutlook(requiredMeetings(shape, settings.meetingCadences), mine, to, tz),
      dues: d?.months.get(month) ?? NO_DUES,
      unpaidLastMonth: d?.overdueMembers ?? 0,
      talks: talks.get(branch.id) ?? { held: 0, upcoming: 0 },
      coverage: coverage.get(branch.id) ?? { party: 0, covered: 0 },
      appealsOverdue: appeals.get(branch.id) ?? 0,
      developmentOverdue: development.get(branch.id) ?? 0,
    };
  });
}

export function signals(w: WeekFigures): WeekSignals {
  return {
    meetingsHeld: w.held.length,
    meetingsPlanned: w.planned.length,
    talksHeld: w.talks.held,
    talksUpcoming: w.talks.upcoming,
    dueNext: w.outlook.dueNext,
    missed: w.outlook.missed.length,
    appealsOverdue: w.appealsOverdue,
    developmentOverdue: w.developmentOverdue,
  };
}
