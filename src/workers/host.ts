/**
 * The Cloudflare Workers host (entry: src/worker.ts): the same runtime as src/node.ts, built per invocation.
 *
 * - Postgres comes through the Hyperdrive binding, one postgres.js client per request or tick:
 *   workerd refuses I/O on a socket opened by another request, so no client outlives its invocation.
 * - There is no background loop. A webhook answers first; processing the inbox row and draining the
 *   outbox happen in `ctx.waitUntil` within a time budget. Every Cron Trigger runs its jobs, then
 *   processes leftover inbox rows and drains due outbox rows, so retries and quiet-hour holds go out.
 * - Cloudflare types are written out structurally (the parts used), so the Node typecheck needs no
 *   @cloudflare/workers-types.
 * - Feishu calls go through a fetch-based HttpInstance rather than the SDK's axios.
 */
import postgres from 'postgres';
import { fromPostgres, type DbHandle } from '../../db/client.ts';
import { jobsForUtcCron } from '../../cron/index.ts';
import { runJob } from '../../cron/runner.ts';
import { configureAnonKey } from '../anon/key.ts';
import { ConfigError, loadConfig, secretsOf } from '../config.ts';
import { trackedDeferrer } from '../defer.ts';
import { createLogger, type LogSink } from '../log.ts';
import { fetchHttpInstance } from '../platforms/feishu/fetch-http.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { TICK_CRON } from './crons.ts';

/** Bindings: `HYPERDRIVE`, plus the variables and secrets `loadConfig` reads (see README). */
export interface Env {
  HYPERDRIVE?: { connectionString: string };
  [name: string]: unknown;
}

/** The parts of Cloudflare's ExecutionContext and ScheduledController used here. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
}
export interface ScheduledEvent {
  cron: string;
  scheduledTime: number;
}

/** Cloudflare's recommendation for postgres.js over Hyperdrive; 5 stays under the 6 connections a request may open. */
export const HYPERDRIVE_CLIENT_OPTIONS = { max: 5, fetch_types: false, prepare: true } as const;

/** `waitUntil` work is cancelled 30 s after the response; stop draining well before, so the client closes cleanly. */
export const DRAIN_BUDGET_MS = 20_000;

export interface WorkerOptions {
  /** Opens this invocation's database; defaults to postgres.js over `env.HYPERDRIVE`. */
  openDb?: (env: Env) => DbHandle;
  /** Log line sink; defaults to console.log (Workers Logs). */
  sink?: LogSink;
  drainBudgetMs?: number;
  /** The runtime's clock (tests); the wall clock by default. */
  now?: () => Date;
}

export function hyperdriveDb(env: Env): DbHandle {
  const url = env.HYPERDRIVE?.connectionString;
  if (!url) throw new ConfigError('the HYPERDRIVE binding is missing: add [[hyperdrive]] to wrangler.toml (see README)');
  return fromPostgres(postgres(url, { ...HYPERDRIVE_CLIENT_OPTIONS, onnotice: () => {} }));
}

export function createWorker(opts: WorkerOptions = {}) {
  const openDb = opts.openDb ?? hyperdriveDb;
  const sink = opts.sink ?? ((line: string) => console.log(line));
  const budget = opts.drainBudgetMs ?? DRAIN_BUDGET_MS;
  const feishuHttp = fetchHttpInstance();

  function open(env: Env): Runtime {
    const vars: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (typeof v === 'string') vars[k] = v;
    const config = loadConfig(vars);
    configureAnonKey(config.serverKey);
    const log = createLogger({ level: config.logLevel, secrets: secretsOf(config), sink });
    const deferrer = trackedDeferrer((err) => log.error('deferred work failed', { error: err }));
    return createRuntime({ config, handle: openDb(env), log, deferrer, feishuHttp, now: opts.now });
  }

  /**
   * After the response (or the jobs): whatever the invocation deferred, then the outbox for what is left
   * of the budget. Always closes the client.
   */
  async function finish(runtime: Runtime, drain: boolean): Promise<void> {
    const deadline = Date.now() + budget;
    try {
      await runtime.deferrer.settle();
      while (drain && Date.now() < deadline) {
        const r = await runtime.sender.drainOnce();
        if (r.sent + r.retried + r.failed + r.deferred === 0) break;
      }
    } catch (err) {
      runtime.log.error('worker background work failed', { error: err });
    } finally {
      await runtime.close().catch((err: unknown) => runtime.log.warn('closing the database failed', { error: err }));
    }
  }

  return {
    async fetch(request: Request, env: Env, ctx: WorkerContext): Promise<Response> {
      let runtime: Runtime;
      try {
        runtime = open(env);
      } catch (err) {
        // Only our own configuration messages are logged: another error's text might quote the connection string.
        const error = err instanceof ConfigError ? err.message : (err as Error)?.name ?? 'error';
        sink(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'worker is misconfigured', error }));
        return Response.json({ error: 'service misconfigured' }, { status: 500 });
      }
      let response: Response | undefined;
      try {
        response = await runtime.app.fetch(request);
        return response;
      } finally {
        // Only an accepted webhook (a verified POST) has something to send; health checks and rejected requests do not.
        const drain = request.method === 'POST' && response !== undefined && response.ok;
        ctx.waitUntil(finish(runtime, drain));
      }
    },

    async scheduled(controller: ScheduledEvent, env: Env, _ctx: WorkerContext): Promise<void> {
      const runtime = open(env);
      const { config, log, handle } = runtime;
      const now = new Date(controller.scheduledTime);
      const jobs = jobsForUtcCron(controller.cron, config.timezone);
      if (jobs.length === 0 && controller.cron !== TICK_CRON) {
        log.warn('cron trigger matches no job: run `npm run worker:crons`, deploy, and delete stale triggers in the dashboard', {
          cron: controller.cron,
        });
      }
      // Awaited, not handed to waitUntil: the event then lasts as long as its jobs, however long a job over
      // many branches takes, instead of depending on the grace period after the handler returns.
      try {
        const deps = { db: handle.db, tz: config.timezone, log, config };
        for (const job of jobs) await runJob(job, now, deps);
        await runtime.processPending();
      } catch (err) {
        log.error('scheduled run failed', { cron: controller.cron, error: err });
      }
      await finish(runtime, true);
    },
  };
}

