/**
 * Runs the Worker in workerd the way it is deployed: `wrangler deploy --dry-run` bundles it, then
 * `wrangler dev` serves that exact bundle (`no_bundle`, so edits elsewhere in the working tree do not
 * trigger rebuilds mid-test) with Hyperdrive pointed at a Postgres database of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDb, type DbHandle } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';
import { databaseUrlFor } from '../test/helpers/pg-names.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');

/** Offline and non-interactive: no telemetry, no `Request.cf` download. */
const WRANGLER_ENV = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: '1', NO_COLOR: '1' };

function run(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(WRANGLER, args, { cwd: ROOT, env: { ...process.env, ...WRANGLER_ENV, ...env } });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrangler ${args[0]} exited ${code}:\n${out}`))));
  });
}

export interface Bundle {
  dir: string;
  /** `Total Upload: … KiB / gzip: … KiB`, as wrangler reports it. */
  size: string;
}

export async function buildBundle(dir: string): Promise<Bundle> {
  const out = await run(['deploy', '--dry-run', '--outdir', join(dir, 'dist')]);
  return { dir, size: /Total Upload: ([^\n]+)/.exec(out)?.[1]?.trim() ?? '?' };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface WranglerDev {
  url: string;
  /** Everything wrangler and the Worker printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Serves the bundle with `vars` in a `.dev.vars` file (secrets stay out of the command line). */
export async function startWranglerDev(bundle: Bundle, opts: { vars: Record<string, string>; databaseUrl: string; timeoutMs: number }): Promise<WranglerDev> {
  const toml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, `main = "${join(bundle.dir, 'dist', 'worker.js')}"\nno_bundle = true`);
  writeFileSync(join(bundle.dir, 'wrangler.toml'), toml);
  writeFileSync(join(bundle.dir, '.dev.vars'), Object.entries(opts.vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n'));
  const [port, inspector] = [await freePort(), await freePort()];
  let out = '';
  const child: ChildProcess = spawn(WRANGLER, [
    'dev', '--config', join(bundle.dir, 'wrangler.toml'), '--ip', '127.0.0.1', '--port', String(port),
    '--inspector-port', String(inspector), '--persist-to', join(bundle.dir, 'state'), '--show-interactive-dev-session=false',
  ], {
    cwd: bundle.dir,
    detached: true,
    // Miniflare insists on a password in the URL; local Postgres with trust auth ignores it.
    env: { ...process.env, ...WRANGLER_ENV, CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: opts.databaseUrl },
  });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  let exited = false;
  const gone = new Promise<void>((resolve) => child.on('exit', () => { exited = true; resolve(); }));
  const stop = async () => {
    if (!exited && child.pid) process.kill(-child.pid, 'SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
    if (!exited && child.pid) process.kill(-child.pid, 'SIGKILL');
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (exited) throw new Error(`wrangler dev exited:\n${out}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer /healthz in ${opts.timeoutMs} ms:\n${out}`);
    }
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, output: () => out, stop };
}

/** A database of this run's own, migrated, dropped by `drop()`. */
export async function createWorkerDb(adminUrl: string): Promise<{ url: string; handle: DbHandle; drop(): Promise<void> }> {
  const name = `pba_worker_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.unsafe(`create database "${name}"`);
  const u = new URL(databaseUrlFor(adminUrl, name));
  if (!u.password) u.password = 'local'; // see startWranglerDev
  const url = u.toString();
  const handle = await openDb({ databaseUrl: url, max: 2 });
  await runMigrations(handle);
  return {
    url,
    handle,
    async drop() {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pba-worker-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
