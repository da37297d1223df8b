/**
 * Servers under test run as child processes (`node --import tsx <script>`: one process, so its pid is
 * the one measured; `npm start`'s `tsx` CLI would put a second process in front): start time to the
 * first `/healthz` 200, resident memory and CPU from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** Milliseconds from spawn to the first 200 from `/healthz`. */
  startMs: number;
  logPath: string;
  /** Resident set size now, in MiB. */
  rssMiB(): number;
  /** Peak resident set size since start (VmHWM), in MiB. */
  peakMiB(): number;
  /** User + system CPU time so far, in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export function httpStatus(url: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export async function startServer(opts: {
  name: string;
  /** Node's arguments: the script, after any flags. */
  args: string[];
  env: Record<string, string>;
  logPath: string;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const fd = openSync(opts.logPath, 'a');
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, opts.args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env, PORT: String(port) },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = code ?? (signal ? -1 : 0);
    resolve();
  }));
  const deadline = started + (opts.timeoutMs ?? 60_000);
  let startMs: number | undefined;
  while (startMs === undefined) {
    if (exited !== undefined) throw new Error(`${opts.name} exited with ${exited} before /healthz answered; see ${opts.logPath}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.name} did not answer /healthz within ${opts.timeoutMs ?? 60_000} ms; see ${opts.logPath}`);
    }
    const status = await httpStatus(`${url}/healthz`, 1_000).catch(() => 0);
    if (status === 200) startMs = performance.now() - started;
    else await new Promise((r) => setTimeout(r, 10));
  }
  const pid = child.pid!;
  const status = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  };
  return {
    name: opts.name,
    pid,
    url,
    startMs,
    logPath: opts.logPath,
    rssMiB: () => status('VmRSS'),
    peakMiB: () => status('VmHWM'),
    cpuMs: () => cpuMsOf(pid),
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      // A profiled server writes its profile only on a clean exit: give it time to finish its backlog.
      const timer = setTimeout(() => child.kill('SIGKILL'), process.env.BENCH_CPU_PROF ? 300_000 : 20_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** utime + stime of a process in ms (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Waits until the process has used less than `busyFraction` of one core over `windowMs` twice running
 * (its backlog is worked off), or `maxMs` passed. Returns the time waited.
 */
export async function waitQuiet(p: ServerProcess, maxMs: number, windowMs = 1_000, busyFraction = 0.1): Promise<number> {
  const t0 = performance.now();
  let calm = 0;
  let last = p.cpuMs();
  while (performance.now() - t0 < maxMs && calm < 2) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = p.cpuMs();
    calm = now - last < windowMs * busyFraction ? calm + 1 : 0;
    last = now;
  }
  return performance.now() - t0;
}
