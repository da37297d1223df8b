// The Node host: HTTP server, inbox recovery, outbox sender, node-cron jobs, and optional
// long-connection modes. Runtime differences from Workers stay in this file and src/worker.ts.
import { serve } from '@hono/node-server';
import { loadConfig, secretsOf } from './config.ts';
import { createLogger } from './log.ts';
import { openDb } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';
import { createRuntime } from './runtime.ts';
import { requestsFirst } from './requests-first.ts';
import { allJobs } from '../cron/index.ts';
import { catchUp } from '../cron/runner.ts';
import { startScheduler } from '../cron/node-scheduler.ts';
import { enqueue } from './notify/outbox.ts';

const config = loadConfig();
const log = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
const handle = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir });
await runMigrations(handle);
log.info('database ready', { kind: handle.kind, location: handle.kind === 'pglite' ? config.pgliteDir : 'DATABASE_URL' });

const requests = requestsFirst();
const runtime = createRuntime({ config, handle, log, beforeEachMessage: requests.quietMoment });
const jobDeps = { db: handle.db, tz: config.timezone, log, config };
const closers: Array<{ close(): unknown }> = [];

// The long-connection clients load their SDKs (dingtalk-stream alone is ~26 MiB) only in their mode.
if (config.feishu?.mode === 'ws') {
  const { startFeishuWs } = await import('./platforms/feishu/ws.ts');
  closers.push(startFeishuWs({
    config: config.feishu, serverKey: config.serverKey, ingest: runtime.ingest, onCardAction: runtime.runAction, log,
    onBotAdded: runtime.onFeishuBotAdded, botOpenId: runtime.feishuBotOpenId,
  }));
}
if (config.dingtalk?.mode === 'stream') {
  const { startDingTalkStream } = await import('./platforms/dingtalk/stream.ts');
  closers.push(startDingTalkStream({
    config: config.dingtalk, ingest: runtime.ingest, log,
    notify: async (item) => {
      await enqueue(handle.db, item, { now: new Date(), tz: config.timezone });
      runtime.sender.kick();
    },
  }));
}

const server = serve({ fetch: requests.track(runtime.app.fetch), port: config.port }, (info) => {
  log.info('listening', { port: info.port });
  if (!config.feishu && !config.dingtalk) {
    log.info('no platform configured: try the bot in a terminal with `npm run chat -- --as <姓名>` (see README)');
  }
});

// Messages acknowledged before a crash are still in the inbox; slots missed while down run once.
runtime.deferrer.defer(runtime.processPending());
runtime.deferrer.defer(catchUp(allJobs, new Date(), jobDeps));
runtime.sender.start();
const scheduler = startScheduler(allJobs, jobDeps);
const recovery = setInterval(() => {
  runtime.deferrer.defer(runtime.processPending());
  // A slot that could not start or finish while the database was away runs once it is back.
  runtime.deferrer.defer(catchUp(allJobs, new Date(), jobDeps));
}, 30_000);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  clearInterval(recovery);
  await scheduler.stop();
  for (const c of closers) await c.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await runtime.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
