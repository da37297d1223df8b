import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { openDb, type DbHandle } from '../../db/client.ts';
import { runMigrations } from '../../db/migrate.ts';
import * as schema from '../../db/schema/index.ts';
import { tenants } from '../../db/schema/index.ts';
import { databaseUrlFor, TEST_DB_PREFIX } from '../helpers/pg-names.ts';

/** Every table the drizzle schema declares, with its columns and their SQL types. */
function declared(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const value of Object.values(schema)) {
    if (!is(value, PgTable)) continue;
    const t = getTableConfig(value);
    out.set(t.name, new Map(t.columns.map((c) => [c.name, c.getSQLType()])));
  }
  return out;
}

const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows);

/** A database with nothing in it: a new in-memory PGlite, or a new Postgres database (not the migrated template). */
async function emptyDatabase(): Promise<DbHandle> {
  const base = process.env.DATABASE_URL;
  if (!base) return openDb({ pgliteDir: 'memory://' });
  const name = `${TEST_DB_PREFIX}${inject('runId')}_empty_${randomBytes(3).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const handle = await openDb({ databaseUrl: databaseUrlFor(base, name), max: 2 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

describe(`migrations on ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}, from an empty database`, () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await emptyDatabase();
    await runMigrations(h);
  });
  afterAll(() => h.close());

  it('create exactly the tables and columns the drizzle schema declares, with the same types', async () => {
    const result = await h.db.execute(sql`
      select c.table_name as "table", c.column_name as "column", format_type(a.atttypid, a.atttypmod) as "type"
      from information_schema.columns c
      join pg_attribute a on a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass
        and a.attname = c.column_name
      where c.table_schema = 'public'`);
    const actual = new Map<string, Map<string, string>>();
    for (const r of rowsOf(result) as Array<{ table: string; column: string; type: string }>) {
      if (!actual.has(r.table)) actual.set(r.table, new Map());
      actual.get(r.table)!.set(r.column, r.type);
    }
    const want = declared();
    expect([...actual.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [table, columns] of want) {
      const got = actual.get(table)!;
      expect([...got.keys()].sort(), table).toEqual([...columns.keys()].sort());
      for (const [column, type] of columns) {
        // drizzle writes serial types by their pseudo-type; the catalogue shows the integer under it.
        const norm = type.replace(/^bigserial$/, 'bigint').replace(/^serial$/, 'integer');
        expect(got.get(column), `${table}.${column}`).toBe(norm);
      }
    }
  });

  it('give the inbox its unique dedupe key and the outbox its unique dedupe key', async () => {
    const result = await h.db.execute(sql`
      select t.relname as "table", a.attname as "column"
      from pg_index i join pg_class t on t.oid = i.indrelid join pg_attribute a on a.attrelid = t.oid and a.attnum = any(i.indkey)
      where i.indisunique and i.indnatts = 1 and t.relname in ('inbox', 'outbox')`);
    const unique = (rowsOf(result) as Array<{ table: string; column: string }>).map((r) => `${r.table}.${r.column}`);
    expect(unique).toContain('outbox.dedupe_key');
    expect(unique).toContain('inbox.dedupe_key');
  });

  it('are idempotent: running them again changes nothing', async () => {
    await h.db.insert(tenants).values({ platform: 'console', externalKey: 'm', name: 'm' });
    await runMigrations(h);
    const count = await h.db.select({ n: sql<number>`count(*)::int` }).from(tenants);
    expect(count[0]!.n).toBe(1);
  });
});
