/**
 * The benchmark's own databases: `pba_bench_<pid>` on the Postgres server of DATABASE_URL (dropped
 * afterwards), or a PGlite data directory in a temp dir (removed afterwards). PGlite is embedded, so
 * only one process may open its directory: the harness opens it only while the server is stopped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDb, type DbHandle } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';
import { rowsOf } from '../db/rows.ts';
import { databaseUrlFor } from '../test/helpers/pg-names.ts';

export type DbKind = 'postgres' | 'pglite';

export interface BenchDb {
  kind: DbKind;
  /** Environment for the server child: DATABASE_URL or PGLITE_DIR. */
  env: Record<string, string>;
  /** A short description for the report (never a password). */
  label: string;
  /** Runs `fn` on the harness's handle, opening it if need be. */
  use<T>(fn: (h: DbHandle) => Promise<T>): Promise<T>;
  /** Lets a server have the database: PGlite's directory can be open in one process only. */
  release(): Promise<void>;
  /** Closes and removes the database. */
  drop(): Promise<void>;
}

export async function createBenchDb(kind: DbKind, adminUrl?: string): Promise<BenchDb> {
  if (kind === 'postgres') {
    if (!adminUrl) throw new Error('Postgres needs DATABASE_URL');
    const name = `pba_bench_${process.pid}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.unsafe(`create database "${name}"`);
    } finally {
      await admin.end();
    }
    const url = databaseUrlFor(adminUrl, name);
    const handle = await openDb({ databaseUrl: url, max: 10 });
    await runMigrations(handle);
    const u = new URL(url);
    return {
      kind,
      env: { DATABASE_URL: url },
      label: `Postgres ${await serverVersion(handle)} at ${u.hostname}:${u.port || 5432}, database ${name}`,
      use: (fn) => fn(handle),
      release: async () => {},
      drop: async () => {
        await handle.close();
        const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
        try {
          await a.unsafe(`drop database if exists "${name}" with (force)`);
        } finally {
          await a.end();
        }
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'pba-bench-pglite-'));
  let open: DbHandle | undefined = await openDb({ pgliteDir: dir });
  await runMigrations(open);
  const version = await serverVersion(open);
  const release = async () => {
    await open?.close();
    open = undefined;
  };
  return {
    kind,
    env: { PGLITE_DIR: dir },
    label: `PGlite (${version}) in a temp directory`,
    use: async (fn) => fn((open ??= await openDb({ pgliteDir: dir }))),
    release,
    drop: async () => {
      await release();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function serverVersion(h: DbHandle): Promise<string> {
  const [r] = rowsOf<{ v: string }>(await h.db.execute(sql`select current_setting('server_version') as v`));
  return r?.v ?? '?';
}
