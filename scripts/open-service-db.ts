import { loadConfig } from '../src/config.ts';
import { openDb, type DbHandle } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';

/** Opens and migrates the database exactly as `npm start` does (DATABASE_URL, else PGlite in PGLITE_DIR). */
export async function openServiceDb(): Promise<DbHandle> {
  const config = loadConfig();
  const handle = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, max: 2 });
  await runMigrations(handle);
  return handle;
}

/** `--tenant feishu:<tenant_key>` → platform and key; the console tenant by default. */
export function parseTenantFlag(value: string | undefined): { platform: 'console' | 'feishu' | 'dingtalk'; key: string } {
  if (!value) return { platform: 'console', key: 'console' };
  const [platform, ...rest] = value.split(':');
  if ((platform !== 'console' && platform !== 'feishu' && platform !== 'dingtalk') || rest.length === 0) {
    throw new Error(`--tenant should look like feishu:<tenant_key>, dingtalk:<corpId> or console:console, got "${value}"`);
  }
  return { platform, key: rest.join(':') };
}
