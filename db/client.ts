import { drizzle as drizzlePg } from 'drizzle-orm/postgres-js';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import postgres from 'postgres';
import { PGlite } from '@electric-sql/pglite';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** A drizzle database or transaction over either driver; everything outside db/ uses this. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Runs a trivial query; throws when the database is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  databaseUrl?: string;
  pgliteDir?: string;
  /** Postgres pool size. */
  max?: number;
}

export async function openDb(opts: OpenDbOptions): Promise<DbHandle> {
  if (opts.databaseUrl) return fromPostgres(postgres(opts.databaseUrl, { max: opts.max ?? 10, onnotice: () => {} }));
  const dir = opts.pgliteDir ?? 'memory://';
  if (!dir.startsWith('memory://')) {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir, { recursive: true });
  }
  return fromPglite(await PGlite.create(dir));
}

export function fromPostgres(sql: postgres.Sql): DbHandle {
  const db = drizzlePg(preparing(sql), { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await sql`select 1`;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

type Callback = (sql: postgres.Sql) => unknown;

/**
 * drizzle sends every query through `sql.unsafe`, which postgres.js does not prepare unless told: a
 * query with parameters then takes two round trips (describe, then execute), is parsed and planned
 * anew each time, and stops the connection's pipeline. Prepared, as postgres.js's own tagged queries
 * are, it takes one (a named statement per query text on each connection, dropped with the
 * connection). Transactions and savepoints hand out their own `sql`, so they are wrapped too.
 */
function preparing<T extends postgres.Sql | postgres.TransactionSql>(sql: T): T {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, args?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, args, { ...options, prepare: true });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => {
          const callback = args.pop() as Callback;
          const method = Reflect.get(target, prop) as (...a: unknown[]) => unknown;
          return method(...args, (tx: postgres.Sql) => callback(preparing(tx)));
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

export function fromPglite(client: PGlite): DbHandle {
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      if (client.closed) throw new Error('database is closed');
      await client.query('select 1');
    },
    close: () => (client.closed ? Promise.resolve() : client.close()),
  };
}
