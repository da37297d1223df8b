/** The 问题台账 of a branch: every appeal received in a period, as officers may see it. */
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { appeals, members } from '../../db/schema/index.ts';
import { recurringWords, type RecurringTerm } from '../domain/appeals.ts';
import { submitterLabel, type Appeal } from './format.ts';
import type { Span } from './figures.ts';

export interface LedgerRow {
  appeal: Appeal;
  /** The name, or 匿名#7 for an anonymous appeal. */
  submitter: string;
  handler: string | null;
}

const submitter = alias(members, 'appeal_submitter');
const handler = alias(members, 'appeal_handler');

export async function ledgerRows(db: Db, tenantId: number, branchId: number, span: Span): Promise<LedgerRow[]> {
  const rows = await db.select({ a: appeals, submitterName: submitter.name, handlerName: handler.name }).from(appeals)
    .leftJoin(submitter, eq(submitter.id, appeals.submitterId))
    .leftJoin(handler, eq(handler.id, appeals.handlerId))
    .where(and(eq(appeals.tenantId, tenantId), eq(appeals.branchId, branchId),
      gte(appeals.submittedAt, span.start), lt(appeals.submittedAt, span.end)))
    .orderBy(asc(appeals.year), asc(appeals.seq));
  return rows.map((r) => ({ appeal: r.a, submitter: submitterLabel(r.a, r.submitterName), handler: r.handlerName }));
}

/** The terms that keep coming back in the appeals' texts. */
export function recurringTerms(rows: readonly LedgerRow[], limit = 8): RecurringTerm[] {
  return recurringWords(rows.map((r) => r.appeal.content), { limit });
}
