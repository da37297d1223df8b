import { parseSettings } from '../domain/settings.ts';

const isDay = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 28;

/** The branch's own collection day (branches.settings.duesCollectionDay), else the tenant's, else the 5th. */
export function branchCollectionDay(branchSettings: unknown, tenantSettings: unknown): number {
  const own = typeof branchSettings === 'object' && branchSettings !== null
    ? (branchSettings as Record<string, unknown>).duesCollectionDay : undefined;
  return isDay(own) ? own : parseSettings(tenantSettings).duesCollectionDay;
}
