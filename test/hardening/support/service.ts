/**
 * A service instance for fault and concurrency tests: the production runtime on a given database, a
 * simulated clock, platform APIs wherever the test points them, and a short real-time HTTP timeout so
 * "the platform hangs" costs milliseconds. Several instances may share one database.
 */
import { loadConfig } from '../../../src/config.ts';
import { memoryLogger } from '../../../src/log.ts';
import { createRuntime, type Runtime } from '../../../src/runtime.ts';
import { fetchHttpInstance } from '../../../src/platforms/feishu/fetch-http.ts';
import { createConsoleSender } from '../../../src/platforms/console/sender.ts';
import type { DbHandle } from '../../../db/client.ts';
import type { JobDeps } from '../../../cron/job.ts';
import { isTransientDbError } from '../../../db/errors.ts';
import { impatientFetch } from './fault-proxy.ts';
import { SECRETS } from './world.ts';

export interface Clock {
  now(): Date;
  set(d: Date | string): void;
  advance(ms: number): void;
}

export function simClock(start: Date | string): Clock {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), set: (d) => { t = new Date(d).getTime(); }, advance: (ms) => { t += ms; } };
}

export interface Service {
  runtime: Runtime;
  log: ReturnType<typeof memoryLogger>;
  clock: Clock;
  /** Console messages delivered by this instance. */
  consoleOut: string[];
  jobDeps(): JobDeps;
  /**
   * Processes the inbox and drains the outbox until both are idle (what the loops do in production).
   * A pass that lost the database is tried again up to `retries` times (the hosts' next tick).
   */
  pump(opts?: { retries?: number }): Promise<void>;
  close(): Promise<void>;
}

export async function startService(opts: {
  handle: DbHandle;
  clock: Clock;
  feishuBaseUrl?: string;
  dingtalkApiBase?: string;
  /** Real-time limit on each platform HTTP call (default 250 ms). */
  httpTimeoutMs?: number;
  /** Keep the database open on close (another instance or a later "restart" still uses it). */
  keepDb?: boolean;
}): Promise<Service> {
  const env: Record<string, string> = { BOT_ADMINS: 'console:管理员', LOG_LEVEL: 'debug', ...SECRETS };
  env.FEISHU_BASE_URL = opts.feishuBaseUrl ?? 'http://127.0.0.1:9';
  env.DINGTALK_API_BASE = opts.dingtalkApiBase ?? 'http://127.0.0.1:9';
  const config = loadConfig(env);
  const log = memoryLogger('debug', [config.serverKey]);
  const consoleOut: string[] = [];
  const handle = opts.keepDb ? { ...opts.handle, close: async () => {} } : opts.handle;
  const runtime = createRuntime({
    config, handle, log, now: opts.clock.now,
    feishuHttp: fetchHttpInstance({ fetch: impatientFetch(opts.httpTimeoutMs ?? 250) }),
    extraSenders: [createConsoleSender({ write: (t) => consoleOut.push(t) })],
  });
  return {
    runtime, log, clock: opts.clock, consoleOut,
    jobDeps: () => ({ db: opts.handle.db, tz: config.timezone, log, config }),
    async pump({ retries = 5 } = {}) {
      await runtime.deferrer.settle();
      let lost = 0;
      for (let i = 0; i < 50; i++) {
        try {
          const n = await runtime.processPending();
          const r = await runtime.sender.drainOnce();
          if (!n && !r.sent && !r.retried && !r.failed && !r.deferred) break;
        } catch (err) {
          // What the hosts' recovery tick does: a pass that lost the database is simply tried again.
          if (!isTransientDbError(err) || ++lost > retries) throw err;
        }
      }
    },
    close: () => runtime.close(),
  };
}
