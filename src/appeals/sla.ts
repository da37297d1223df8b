/** The time limits that apply to an appeal: tenant setting, category limits, working-day overrides. */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { appealCategoryLimits, workdayOverrides, type StoredPause } from '../../db/schema/index.ts';
import { slaDeadlines, type SlaDeadlines, type SlaSettings } from '../domain/appeals.ts';
import { parseSettings } from '../domain/settings.ts';
import type { DayOverrides, Pause } from '../domain/workdays.ts';

export type Limits = Pick<SlaSettings, 'acceptWorkingDays' | 'urgentAcceptHours' | 'resolveWorkingDays' | 'complexResolveWorkingDays'>;

/** Everything a tenant's deadlines depend on, loaded once per command or per tenant in a job. */
export interface SlaContext {
  limitsFor(category: string): Limits;
  overrides: DayOverrides;
  tz: string;
}

export async function loadSlaContext(db: Db, tenant: { id: number; settings: unknown }, tz: string): Promise<SlaContext> {
  const base: Limits = parseSettings(tenant.settings).appealDeadlines;
  const [rows, days] = await Promise.all([
    db.select().from(appealCategoryLimits).where(eq(appealCategoryLimits.tenantId, tenant.id)),
    db.select({ day: workdayOverrides.day, kind: workdayOverrides.kind }).from(workdayOverrides)
      .where(eq(workdayOverrides.tenantId, tenant.id)),
  ]);
  const byCategory = new Map(rows.map((r) => [r.category, r]));
  const overrides: Record<string, 'work' | 'off'> = {};
  for (const d of days) overrides[d.day] = d.kind === 'work' ? 'work' : 'off';
  return {
    tz,
    overrides,
    limitsFor(category) {
      const r = byCategory.get(category);
      return {
        acceptWorkingDays: r?.acceptWorkingDays ?? base.acceptWorkingDays,
        urgentAcceptHours: r?.urgentAcceptHours ?? base.urgentAcceptHours,
        resolveWorkingDays: r?.resolveWorkingDays ?? base.resolveWorkingDays,
        complexResolveWorkingDays: r?.complexResolveWorkingDays ?? base.complexResolveWorkingDays,
      };
    },
  };
}

export function toPauses(stored: readonly StoredPause[]): Pause[] {
  return stored.map((p) => ({ from: new Date(p.from), ...(p.to ? { to: new Date(p.to) } : {}) }));
}

/** The pauses with any open one ended at `now` (the submitter answered, or the appeal was resolved). */
export function closePauses(stored: readonly StoredPause[], now: Date): StoredPause[] {
  return stored.map((p) => (p.to ? p : { from: p.from, to: now.toISOString() }));
}

export interface ClockFields {
  category: string;
  submittedAt: Date;
  acceptedAt: Date | null;
  urgency: string;
  complexity: string;
  pauses: readonly StoredPause[];
}

export function deadlinesOf(a: ClockFields, sla: SlaContext): SlaDeadlines {
  return slaDeadlines({
    submittedAt: a.submittedAt,
    acceptedAt: a.acceptedAt ?? undefined,
    urgency: a.urgency === 'urgent' ? 'urgent' : 'normal',
    complexity: a.complexity === 'complex' ? 'complex' : 'normal',
    pauses: toPauses(a.pauses),
    settings: sla.limitsFor(a.category),
    tz: sla.tz,
    overrides: sla.overrides,
  });
}
