/**
 * Applies pending migrations to DATABASE_URL (or the embedded PGlite database) and exits. The Node
 * host migrates on start; the Worker never does, so run this against the database behind Hyperdrive
 * (directly, not through Hyperdrive) before deploying a new version.
 */
import { loadConfig } from '../src/config.ts';
import { openDb } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';

const config = loadConfig();
const handle = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, max: 1 });
try {
  await runMigrations(handle);
  console.log(`migrations applied (${handle.kind === 'postgres' ? 'DATABASE_URL' : config.pgliteDir})`);
} finally {
  await handle.close();
}
