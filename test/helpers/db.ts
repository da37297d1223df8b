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
  const dump = readFileSync(inject('pgliteDump'));
  const pg = await PGlite.create({ loadDataDir: new Blob([dump]) });
  return fromPglite(pg);
}
