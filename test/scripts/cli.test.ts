/**
 * The command-line entry points as a newcomer and an operator use them, each in its own process on
 * one database: `import` refusing a bad roster, the console chat read from standard input,
 * `seed:demo`, `job` and `outbox`. Each process costs seconds, so the file keeps to six.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDb } from '../helpers/db.ts';

const root = new URL('../..', import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe(`command-line scripts (${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'})`, () => {
  let dir: string;
  let dbEnv: Record<string, string>;
  let closeDb = async () => {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pba-cli-'));
    if (process.env.DATABASE_URL) {
      const h = await createTestDb();
      dbEnv = { DATABASE_URL: h.url! };
      // The scripts migrate an already migrated database: a no-op, as on every start.
      closeDb = () => h.close();
    } else {
      // The migrated database of the global setup, unpacked into a directory: a fresh PGlite directory
      // would cost the first script about three seconds of initdb and migrations.
      const pg = await PGlite.create(join(dir, 'pglite'), { loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
      await pg.close();
      dbEnv = { PGLITE_DIR: join(dir, 'pglite') };
    }
  });
  afterAll(async () => {
    await closeDb();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (script: string, args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
    new Promise<Run>((resolve, reject) => {
      const env = { PATH: process.env.PATH!, LOG_LEVEL: 'warn', EXPORTS_DIR: join(dir, 'exports'), ...dbEnv, ...opts.env };
      // `node --import tsx` rather than the tsx CLI, which starts a second node process for the script.
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, env, stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(opts.input ?? '');
    });

  it('import refuses a roster with bad rows, naming each line and reason, and imports nothing', async () => {
    const file = join(dir, 'roster.csv');
    writeFileSync(file, '姓名,工号,支部,身份,职务\n赵六,X001,第一党支部,正式党员,\n,X002,第一党支部,正式党员,\n钱七,X003,第一党支部,党员,\n孙八,X004,第一党支部,正式党员,班长\n');
    const r = await run('scripts/import-roster.ts', [file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('名册有 3 处问题，未导入任何数据');
    expect(r.stderr).toMatch(/第 3 行：.*姓名/);
    expect(r.stderr).toMatch(/第 4 行：.*身份/);
    expect(r.stderr).toMatch(/第 5 行：.*职务/);
  });

  // After the refused import, so the branch it would have created must not exist yet.
  it('chat: a BOT_ADMINS console user builds a branch from an empty database, one command per line', async () => {
    const input = ['支部 新建 第一党支部', '成员 添加 张三 身份:正式党员 职务:书记 支部:第一党支部', '我的信息', '帮助', '成员 列表 第一党支部', ''].join('\n');
    const r = await run('src/platforms/console/cli.ts', ['--as', '管理员'], { input, env: { BOT_ADMINS: 'console:管理员' } });
    expect(r.code, r.stderr).toBe(0);
    const replies = r.stdout.trim().split(/\n\n(?=\S)/);
    expect(replies[0]).toBe('已新建“第一党支部”。下一步：“成员 添加 <姓名> 身份:正式党员 职务:书记 支部:第一党支部”。');
    expect(replies[1]).toBe('已将“张三”添加到“第一党支部”，身份：正式党员，职务：书记。');
    expect(replies[2]).toContain('您是管理员');
    expect(r.stdout).toContain('【党支部助手 · 可用命令】');
    expect(r.stdout).toContain('支部 新建');
    expect(r.stdout).toContain('【第一党支部 · 成员（1 人）】');
    expect(r.stdout).not.toContain('赵六');
  });

  it('seed:demo creates the demo branch; its secretary can try the commands at once', async () => {
    const seed = await run('scripts/seed-demo.ts', []);
    expect(seed.code, seed.stderr).toBe(0);
    expect(seed.stdout).toContain('已创建“示范党支部”及 16 名成员');
    const r = await run('src/platforms/console/cli.ts', ['--as', '王建国'], { input: '成员 列表\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('【示范党支部 · 成员（16 人）】');
    for (const line of ['王建国　正式党员　书记', '李红　正式党员　副书记、组织委员', '赵强　正式党员　宣传委员', '陈静　正式党员　纪检委员', '刘芳　正式党员　会计', '周明　正式党员　出纳']) {
      expect(r.stdout).toContain(line);
    }
  });

  it('job runs one job by hand and prints what it enqueued; outbox prints the counts', async () => {
    const r = await run('scripts/run-job.ts', ['meeting-deadlines', '--now', '2026-12-01T09:00+08:00']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('job meeting-deadlines, slot 2026-12-01 09:00 (Asia/Shanghai): ok');
    expect(r.stdout).toMatch(/enqueued [1-9]\d* message\(s\):/);
    expect(r.stdout).toMatch(/reminder → console user 王建国 .* meeting-due:/);

    const status = await run('scripts/outbox-status.ts', []);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^pending [1-9]\d* \(due now [1-9]/m);
    expect(status.stdout).toMatch(/^sent {4}\d+$/m);
    expect(status.stdout).toMatch(/^failed {2}0$/m);
  });
}, 240_000);
