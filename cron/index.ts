/** The schedule table. Each job lives in its own file; append new jobs to `allJobs`. */
import { toUtcCron } from './cron-expr.ts';
import { developmentReminders } from './development-reminders.ts';
import { duesAnnualReport } from './dues-annual-report.ts';
import { duesReminders } from './dues-reminders.ts';
import { inboxCleanup } from './inbox-cleanup.ts';
import type { Job } from './job.ts';
import { meetingDeadlines } from './meeting-deadlines.ts';
import { meetingNotices } from './meeting-notices.ts';
import { meetingTerm } from './meeting-term.ts';
import { talkCoverageReminder } from './talk-coverage.ts';
import { talkReminders } from './talk-reminders.ts';
import { weeklySummary } from './weekly-summary.ts';
import { monthlyScorecard } from './monthly-scorecard.ts';
import { appealBoard } from './appeal-board.ts';
import { appealSla } from './appeal-sla.ts';

export const allJobs: Job[] = [
  inboxCleanup,
  meetingDeadlines,
  meetingNotices,
  meetingTerm,
  developmentReminders,
  talkReminders,
  talkCoverageReminder,
  weeklySummary,
  monthlyScorecard,
  appealSla,
  appealBoard,
  duesReminders,
  duesAnnualReport,
];

export function jobByName(name: string, jobs: readonly Job[] = allJobs): Job | undefined {
  return jobs.find((j) => j.name === name);
}

/**
 * Workers: the jobs a Cron Trigger (written in UTC, as `toUtcCron` gives it) stands for. A job whose
 * schedule has no UTC form cannot have a trigger, so it never matches instead of breaking the rest.
 */
export function jobsForUtcCron(utcCron: string, tz: string, jobs: readonly Job[] = allJobs): Job[] {
  const matchesTrigger = (j: Job) => {
    try {
      return toUtcCron(j.cron, tz) === utcCron.trim();
    } catch {
      return false;
    }
  };
  return jobs.filter(matchesTrigger);
}
