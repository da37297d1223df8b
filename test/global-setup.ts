// Migrates once per run; each test file then gets its own copy of the migrated database
// (a PGlite data-dir dump, or a Postgres database cloned from a template).
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { fromPglite, openDb } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';
import { databaseUrlFor, TEST_DB_PREFIX } from './helpers/pg-names.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    runId: string;
    pgTemplate: string;
    pgliteDump: string;
  }
}

export default async function setup(project: TestProject) {
  const runId = String(process.pid);
  project.provide('runId', runId);
  const url = process.env.DATABASE_URL;
  if (url) {
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await dropStaleDatabases(admin);
    const template = `${TEST_DB_PREFIX}${runId}_tpl`;
    await admin.unsafe(`create database "${template}"`);
    const handle = await openDb({ databaseUrl: databaseUrlFor(url, template), max: 1 });
    await runMigrations(handle);
    await handle.close();
    project.provide('pgTemplate', template);
    project.provide('pgliteDump', '');
    return async () => {
      const rows = await admin`select datname from pg_database where datname like ${TEST_DB_PREFIX + runId + '_%'}`;
      for (const r of rows) await admin.unsafe(`drop database if exists "${r.datname}" with (force)`);
      await admin.end();
    };
  }
  const pg = await PGlite.create('memory://');
  const handle = fromPglite(pg);
  await runMigrations(handle);
  const dump = await pg.dumpDataDir('none');
  const dir = mkdtempSync(join(tmpdir(), 'pba-test-'));
  const file = join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await pg.close();
  project.provide('pgTemplate', '');
  project.provide('pgliteDump', file);
  return () => rmSync(dir, { recursive: true, force: true });
}

/** Databases left by runs that crashed; a run that is still alive keeps its own. */
async function dropStaleDatabases(admin: postgres.Sql) {
  const rows = await admin`select datname from pg_database where datname like ${TEST_DB_PREFIX + '%'}`;
  for (const { datname } of rows) {
    const pid = Number(String(datname).slice(TEST_DB_PREFIX.length).split('_')[0]);
    if (Number.isFinite(pid) && isAlive(pid)) continue;
    await admin.unsafe(`drop database if exists "${datname}" with (force)`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
