import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { fromPglite, fromPostgres, type DbHandle } from '../../db/client.ts';
import { databaseUrlFor, TEST_DB_PREFIX } from './pg-names.ts';

export const onPostgres = Boolean(process.env.DATABASE_URL);

/**
 * A fresh, migrated database for one test file (or one test that needs isolation).
 * PGlite: loaded from the dump made in global setup. Postgres: a database cloned from the template.
 * `url` is set on Postgres so a test can open a second "instance" on the same database.
 */
export async function createTestDb(): Promise<DbHandle & { url?: string }> {
  const template = inject('pgTemplate');
  if (template) {
    const base = process.env.DATABASE_URL!;
    const name = `${TEST_DB_PREFIX}${inject('runId')}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.unsafe(`create database "${name}" template "${template}"`);
          break;
        } catch (err) {
          // Another file may be cloning the same template this instant.
          if (attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
        }
      }
    } finally {
      await admin.end();
    }
    const url = databaseUrlFor(base, name);
    const handle = fromPostgres(postgres(url, { max: 10, onnotice: () => {} }));
    return {
      ...handle,
      url,
      close: async () => {
        await handle.close();
        const a = postgres(base, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists "${name}" with (force)`);
        await a.end();
      },
    };
  }
  const pg = idlePglites.pop() ?? (await PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) }));
  const handle = fromPglite(pg);
  return {
    ...handle,
    // Starting PGlite costs about a second, so a closed test database is emptied and kept for
    // the next file in this worker (test files share a worker process: `isolate: false`).
    close: async () => {
      if (pg.closed) return;
      try {
        await emptyDatabase(pg);
        idlePglites.push(pg);
      } catch {
        await pg.close();
      }
    },
  };
}

const idlePglites: PGlite[] = [];

/** Every application table emptied and its sequences restarted: as migrated, with no rows. */
async function emptyDatabase(pg: PGlite): Promise<void> {
  const { rows } = await pg.query<{ name: string }>(
    `select quote_ident(tablename) as name from pg_tables where schemaname = 'public'`,
  );
  await pg.exec(`
    truncate ${rows.map((r) => r.name).join(', ')} restart identity cascade;
    select pg_advisory_unlock_all();
    reset all;
  `);
}
