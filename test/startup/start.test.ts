/**
 * `npm start` as a newcomer runs it: scripts/start.mjs bundles the service, runs it on plain node
 * with a fresh embedded database, logs JSON lines (and, with no platform configured, how to try the
 * bot in a terminal), answers /healthz, and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

describe('npm start', () => {
  it('serves /healthz from the bundle on a fresh embedded database and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pba-start-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PORT: String(port), PGLITE_DIR: join(dir, 'pglite'), LOG_LEVEL: 'info' };
    const root = new URL('../..', import.meta.url).pathname;
    // With the node flags of package.json's start script, as `npm start` runs it.
    const flags = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/).filter((a) => a.startsWith('--'));
    const child = spawn(process.execPath, [...flags, 'scripts/start.mjs'], { cwd: root, env, stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let status = 0;
      for (let i = 0; i < 120 && status !== 200; i++) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status, output).toBe(200);
      child.kill('SIGTERM');
      expect(await exited, output).toBe(0);
      // Structured logs: one JSON object a line; with no platform configured, a pointer to the console.
      const records = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: string; msg: string; time: string });
      expect(records.map((r) => r.msg), output).toEqual(expect.arrayContaining(['database ready', 'listening', 'shutting down']));
      expect(records.find((r) => r.msg.includes('npm run chat -- --as'))?.msg, output).toContain('no platform configured');
      expect(records.every((r) => r.level && !Number.isNaN(Date.parse(r.time))), output).toBe(true);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
