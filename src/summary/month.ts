/**
 * The monthly scorecard's figures for every branch of a tenant, for a month and the month before
 * it, in a fixed number of grouped queries.
 */
import type { Db } from '../../db/client.ts';
import { figuresByBranch, type AppealFigures } from '../appeals/figures.ts';
import { periodFromKey, periodOf, previousPeriod, type Period } from '../domain/calendar.ts';
import { requiredMeetings } from '../domain/meetings.ts';
import { parseSettings } from '../domain/settings.ts';
import { EMPTY_SHAPE, branchShapes } from '../meetings/ledger.ts';
import { closingSince, mergeSince, monthCompliance, type MonthCompliance } from './figures.ts';
import { NO_DUES, coverageByBranch, duesByBranch, heldSince, type Coverage, type DuesMonth } from './queries.ts';
import type { TenantRef } from './week.ts';

export interface ScoreBranch {
  id: number;
  name: string;
  parentOrg: string | null;
}

/** One month of one branch. */
export interface MonthScore {
  meetings: MonthCompliance;
  dues: DuesMonth;
  /** Year to date at the end of the month. */
  coverage: Coverage;
  appeals?: AppealFigures;
}

export interface BranchScore {
  branch: ScoreBranch;
  month: MonthScore;
  previous: MonthScore;
}

export interface ScoreMonths {
  month: Period;
  previous: Period;
}

export function scoreMonths(monthKey: string, tz: string): ScoreMonths {
  const month = periodFromKey(monthKey, tz);
  if (!month || month.kind !== 'month') throw new RangeError(`Not a YYYY-MM month: ${monthKey}`);
  return { month, previous: previousPeriod(month, tz) };
}

/** Scores of `branches` for `monthKey` ('YYYY-MM') and the month before, in the org zone. */
export async function monthScores(
  db: Db, tenant: TenantRef, branches: readonly ScoreBranch[], monthKey: string, tz: string,
): Promise<BranchScore[]> {
  if (!branches.length) return [];
  const { month, previous } = scoreMonths(monthKey, tz);
  const cadences = parseSettings(tenant.settings).meetingCadences;
  const ids = branches.map((b) => b.id);
  const since = mergeSince(closingSince(cadences, previous, tz), closingSince(cadences, month, tz));
  const yearOf = (p: Period) => periodOf('year', p.start, tz).start;
  const [shapes, held, dues, coverage, coveragePrev, appeals, appealsPrev] = await Promise.all([
    branchShapes(db, tenant.id, ids),
    heldSince(db, tenant.id, ids, since, month.end),
    duesByBranch(db, tenant.id, ids, previous.key, month.key),
    coverageByBranch(db, tenant.id, ids, yearOf(month), month.end),
    coverageByBranch(db, tenant.id, ids, yearOf(previous), previous.end),
    figuresByBranch(db, tenant.id, month, ids.length === 1 ? ids[0] : undefined),
    figuresByBranch(db, tenant.id, previous, ids.length === 1 ? ids[0] : undefined),
  ]);
  return branches.map((branch) => {
    const required = requiredMeetings(shapes.get(branch.id) ?? EMPTY_SHAPE, cadences);
    const mine = held.get(branch.id) ?? [];
    const d = dues.get(branch.id)?.months;
    const score = (p: Period, cov: typeof coverage, app: typeof appeals): MonthScore => {
      const appealFigures = app.get(branch.id);
      return {
        meetings: monthCompliance(required, mine, p, tz),
        dues: d?.get(p.key) ?? NO_DUES,
        coverage: cov.get(branch.id) ?? { party: 0, covered: 0 },
        ...(appealFigures ? { appeals: appealFigures } : {}),
      };
    };
    return { branch, month: score(month, coverage, appeals), previous: score(previous, coveragePrev, appealsPrev) };
  });
}
