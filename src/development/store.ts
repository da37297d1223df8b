/** Reading the development ledger: one person's steps, or everyone's in a branch or tenant at once. */
import { and, asc, eq, exists, inArray, or } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { developmentSteps, members } from '../../db/schema/index.ts';
import { UserError } from '../bot/errors.ts';
import type { MemberStatus } from '../bot/roles.ts';
import type { StepRecord } from '../domain/development.ts';
import type { MemberRow } from '../org/members.ts';

export type StepRow = typeof developmentSteps.$inferSelect;

/** The statuses of people still in development (obligations can be open). */
export const IN_DEVELOPMENT: readonly MemberStatus[] = ['入党申请人', '入党积极分子', '发展对象', '预备党员'];

export function toRecord(r: StepRow): StepRecord {
  const ext = r.details.extensionMonths;
  return ext ? { step: r.step, date: r.date, extensionMonths: ext } : { step: r.step, date: r.date };
}

/** Dates on which a 思想汇报 was noted, for the local reporting cadence. */
export function thoughtReportDates(rows: readonly StepRow[]): string[] {
  return rows.filter((r) => r.documents.includes('思想汇报')).map((r) => r.date);
}

const order = [asc(developmentSteps.date), asc(developmentSteps.step), asc(developmentSteps.id)];

export async function stepsOf(db: Db, tenantId: number, memberId: number): Promise<StepRow[]> {
  return db.select().from(developmentSteps)
    .where(and(eq(developmentSteps.tenantId, tenantId), eq(developmentSteps.memberId, memberId)))
    .orderBy(...order);
}

export async function memberById(db: Db, tenantId: number, id: number): Promise<MemberRow> {
  const [row] = await db.select().from(members).where(and(eq(members.tenantId, tenantId), eq(members.id, id)));
  if (!row) throw new UserError('没有找到您的成员信息。');
  return row;
}

/** The member row, locked until the transaction ends, so two officers cannot record the same step at once. */
export async function lockMember(db: Db, tenantId: number, id: number): Promise<MemberRow> {
  const [row] = await db.select().from(members).where(and(eq(members.tenantId, tenantId), eq(members.id, id))).for('update');
  if (!row || !row.active) throw new UserError('该成员已不在支部名册中。');
  return row;
}

export interface PersonSteps {
  member: MemberRow;
  steps: StepRow[];
}

function group(people: readonly MemberRow[], rows: readonly StepRow[]): PersonSteps[] {
  const by = new Map<number, StepRow[]>();
  for (const r of rows) by.set(r.memberId, [...(by.get(r.memberId) ?? []), r]);
  return people.map((member) => ({ member, steps: by.get(member.id) ?? [] }));
}

/** Everyone in a branch who is in development or has any recorded step: two queries. */
export async function branchLedger(db: Db, tenantId: number, branchId: number): Promise<PersonSteps[]> {
  const hasSteps = exists(db.select({ one: developmentSteps.id }).from(developmentSteps)
    .where(eq(developmentSteps.memberId, members.id)));
  const people = await db.select().from(members)
    .where(and(eq(members.tenantId, tenantId), eq(members.branchId, branchId), eq(members.active, true),
      or(inArray(members.status, [...IN_DEVELOPMENT]), hasSteps)))
    .orderBy(asc(members.id));
  if (!people.length) return [];
  const rows = await db.select().from(developmentSteps)
    .innerJoin(members, eq(members.id, developmentSteps.memberId))
    .where(and(eq(developmentSteps.tenantId, tenantId), eq(members.branchId, branchId), eq(members.active, true)))
    .orderBy(...order);
  return group(people, rows.map((r) => r.development_steps));
}

/** Everyone in a tenant still in development, with their steps: two queries, for the reminder job. */
export async function tenantInDevelopment(db: Db, tenantId: number): Promise<PersonSteps[]> {
  const where = and(eq(members.tenantId, tenantId), eq(members.active, true), inArray(members.status, [...IN_DEVELOPMENT]));
  const people = await db.select().from(members).where(where).orderBy(asc(members.id));
  if (!people.length) return [];
  const rows = await db.select().from(developmentSteps)
    .innerJoin(members, eq(members.id, developmentSteps.memberId))
    .where(and(eq(developmentSteps.tenantId, tenantId), where))
    .orderBy(...order);
  return group(people, rows.map((r) => r.development_steps));
}
