/**
 * Yearly coverage per branch from the database, in two queries whatever the number of branches:
 * the branches' members and the year's held talks. The rule itself is src/domain/talks.ts.
 */
import { and, eq, gte, inArray, isNotNull, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { members, talks } from '../../db/schema/index.ts';
import { isBranchRole, isMemberStatus, type BranchRole, type MemberStatus } from '../bot/roles.ts';
import { periodOf, zonedInstant } from '../domain/calendar.ts';
import { coverage, type TalkRecord } from '../domain/talks.ts';

export interface CoverageMember {
  id: number;
  tenantId: number;
  branchId: number;
  name: string;
  status: MemberStatus;
  roles: BranchRole[];
}

/** Party members with no talk with a committee member in `year`, by branch (branches with none missing left out). */
export async function uncoveredByBranch(
  db: Db, opts: { year: number; tz: string; branchIds?: readonly number[] },
): Promise<Map<number, CoverageMember[]>> {
  const { start, end } = periodOf('year', zonedInstant(opts.year, 1, 1, 0, 0, opts.tz), opts.tz);
  const scope = opts.branchIds ? inArray(members.branchId, [...opts.branchIds]) : isNotNull(members.branchId);
  const rows = await db.select({
    id: members.id, tenantId: members.tenantId, branchId: members.branchId, name: members.name,
    status: members.status, roles: members.roles,
  }).from(members).where(and(eq(members.active, true), scope)).orderBy(members.id);
  if (!rows.length) return new Map();

  const list: CoverageMember[] = rows.map((r) => ({
    id: r.id, tenantId: r.tenantId, branchId: r.branchId!, name: r.name,
    status: isMemberStatus(r.status) ? r.status : '群众', roles: r.roles.filter(isBranchRole),
  }));
  const branchOf = new Map(list.map((m) => [m.id, m.branchId]));
  const ids = list.map((m) => m.id);
  const inYear = and(eq(talks.status, 'held'), gte(talks.heldAt, start), lt(talks.heldAt, end));
  const held = await db.select({ hostId: talks.hostId, guestId: talks.guestId, heldAt: talks.heldAt }).from(talks)
    .where(opts.branchIds ? and(inYear, or(inArray(talks.hostId, ids), inArray(talks.guestId, ids))) : inYear);

  // Each talk goes to the branches of its two people, so every branch is checked against its own talks only.
  const talksByBranch = new Map<number, TalkRecord[]>();
  for (const t of held) {
    const record = { participants: [t.hostId, t.guestId], heldAt: t.heldAt! };
    for (const b of new Set([branchOf.get(t.hostId), branchOf.get(t.guestId)])) {
      if (b === undefined) continue;
      const bucket = talksByBranch.get(b);
      if (bucket) bucket.push(record);
      else talksByBranch.set(b, [record]);
    }
  }
  const membersByBranch = new Map<number, CoverageMember[]>();
  for (const m of list) {
    const people = membersByBranch.get(m.branchId);
    if (people) people.push(m);
    else membersByBranch.set(m.branchId, [m]);
  }

  const out = new Map<number, CoverageMember[]>();
  for (const [branchId, people] of membersByBranch) {
    const missing = coverage(people, talksByBranch.get(branchId) ?? [], opts.year, opts.tz);
    if (missing.length) out.set(branchId, missing);
  }
  return out;
}
