/** Checks every sweep applies to every message: a clear Chinese answer, nothing half-written, nothing leaked. */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import type { Reply } from '../../../src/bot/types.ts';

/** Everything a person reads in a reply (buttons included: DingTalk shows their command lines). */
export function replyText(reply: Reply | null): string {
  if (!reply) return '';
  if (reply.kind === 'text') return reply.text;
  if (reply.kind === 'file') return [reply.caption ?? '', reply.fileName].join('\n');
  return [
    reply.title,
    reply.text ?? '',
    ...(reply.fields ?? []).map((f) => `${f.label}：${f.value}`),
    ...(reply.buttons ?? []).map((b) => `${b.label} ${b.command}`),
  ].join('\n');
}

const CJK = /[\u4e00-\u9fff]/;
/** What a crash or a careless template looks like from the outside. */
const LEAKS: [RegExp, string][] = [
  [/\bundefined\b/, 'undefined'],
  [/\bNaN\b/, 'NaN'],
  [/\[object \w+\]/, '[object …]'],
  [/Invalid Date/, 'Invalid Date'],
  [/\b(?:Type|Reference|Range|Syntax|Drizzle\w*|Postgres)Error\b/, 'an exception name'],
  [/Failed query|violates|duplicate key|relation "|syntax error at/i, 'a database error'],
  [/\n\s+at .+\.(?:ts|js):\d+/, 'a stack trace'],
];
export const INTERNAL_ERROR = '内部错误';

/** Problems with a reply a person would see; empty when it is a fine answer. What the input said may be echoed. */
export function replyProblems(reply: Reply | null, input = ''): string[] {
  if (!reply) return ['no reply'];
  const text = replyText(reply);
  const out: string[] = [];
  if (!text.trim()) out.push('empty reply');
  if (!CJK.test(text)) out.push('reply has no Chinese');
  if (text.includes(INTERNAL_ERROR)) out.push('internal error reply');
  for (const [re, what] of [...LEAKS, [/\bnull\b/, 'null'] as [RegExp, string]]) {
    if (re.test(text) && !re.test(input)) out.push(what);
  }
  return out;
}

/** A refusal that names its reason the way the dispatcher words them; such a message must change nothing. */
export function isRefusal(text: string): boolean {
  return /用法：|^“[^”]+”：该命令|^“[^”]+”：该命令请在|^没有“[\s\S]*”这个命令/.test(text);
}

/** Tables a message may change without an audit row: the plumbing, not the records. */
export const PLUMBING = new Set(['inbox', 'outbox', 'audit_log', 'job_runs', '__drizzle_migrations']);

/**
 * Conversation state that is not a record: an appeal draft waits for its category. Auditing it would
 * copy an appeal's text (possibly anonymous) into the audit log before it is even submitted.
 */
export const UNAUDITED = new Set(['appeal_drafts']);

export type Snapshot = Map<string, string>;

let tableCache: WeakMap<Db, string[]> = new WeakMap();

export async function rowsOf<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const r: unknown = await db.execute(query);
  return (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
}

async function tables(db: Db): Promise<string[]> {
  let list = tableCache.get(db);
  if (!list) {
    const rows = await rowsOf<{ name: string }>(db, sql`select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`);
    list = rows.map((r) => r.name);
    tableCache.set(db, list);
  }
  return list;
}

export function resetTableCache(): void {
  tableCache = new WeakMap();
}

/** A content hash per table (row count and md5 of all rows); cheap on the small sweep databases. */
export async function snapshot(db: Db, opts: { tenantId?: number } = {}): Promise<Snapshot> {
  const names = await tables(db);
  const parts = names.filter((t) => !PLUMBING.has(t)).map((t) => {
    const where = opts.tenantId !== undefined && t !== 'tenants' ? `where (to_jsonb(x)->>'tenant_id') = '${opts.tenantId}'` : '';
    return `select '${t}' as t, count(*)::text || ':' || md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from "${t}" x ${where}`;
  });
  // The audit log only grows: its size tells whether a message wrote one.
  parts.push(`select 'audit_log' as t, count(*)::text as h from audit_log`);
  const rows = await rowsOf<{ t: string; h: string }>(db, sql.raw(parts.join(' union all ')));
  return new Map(rows.map((r) => [r.t, r.h]));
}

export function changedTables(before: Snapshot, after: Snapshot): string[] {
  return [...after.keys()].filter((t) => before.get(t) !== after.get(t));
}

/** Every value in `haystack` that contains one of `needles`, for leak reports. */
export function findLeaks(haystack: readonly string[], needles: readonly string[]): string[] {
  const hits: string[] = [];
  for (const h of haystack) for (const n of needles) if (n && h.includes(n)) hits.push(`${n} in: ${h.slice(0, 200)}`);
  return hits;
}
