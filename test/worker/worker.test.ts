// The Worker's `fetch` and `scheduled` under plain vitest, with fakes of env and ctx: one database
// client per invocation, closed after the waitUntil work; webhook processing after the response;
// cron triggers mapped back to jobs; every tick drains the outbox and leftover inbox rows.
// (The same code in real workerd: `npm run test:worker`.)
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toUtcCron } from '../../cron/cron-expr.ts';
import { jobsForUtcCron } from '../../cron/index.ts';
import { inboxCleanup } from '../../cron/inbox-cleanup.ts';
import type { DbHandle } from '../../db/client.ts';
import { branches, identities, inbox, jobRuns, members, outbox, tenants } from '../../db/schema/index.ts';
import { acceptMessage } from '../../src/bot/inbox.ts';
import { loadConfig } from '../../src/config.ts';
import { trackedDeferrer } from '../../src/defer.ts';
import { memoryLogger } from '../../src/log.ts';
import { enqueue } from '../../src/notify/outbox.ts';
import { consoleMessage } from '../../src/platforms/console/message.ts';
import { createRuntime } from '../../src/runtime.ts';
import { createWorker, hyperdriveDb, type Env, type WorkerContext } from '../../src/workers/host.ts';
import { TICK_CRON } from '../../src/workers/crons.ts';
import {
  FAKE_APP_ID, FAKE_APP_SECRET, buildMessageEvent, feishuRequest, startFakeFeishu, type FakeFeishu,
} from '../fakes/feishu-server.ts';
import { createTestDb, onPostgres } from '../helpers/db.ts';

const TOKEN = 'worker-verification-token';
const KEY = 'worker-encrypt-key';
const TENANT = 'tenant_worker';
const ALICE = 'ou_worker_alice';
const TZ = 'Asia/Shanghai';

let fake: FakeFeishu;
let db: DbHandle & { url?: string };
let env: Env;
let lines: string[];
let opens = 0;
let closes = 0;

/** On Postgres the production client (postgres.js with Hyperdrive's options); on PGlite the test database. */
function openDb(e: Env): DbHandle {
  opens++;
  const handle = onPostgres ? hyperdriveDb(e) : { ...db, close: async () => {} };
  return { ...handle, close: async () => { closes++; await handle.close(); } };
}

function context() {
  const work: Promise<unknown>[] = [];
  const ctx: WorkerContext = { waitUntil: (p) => void work.push(p) };
  return { ctx, work, settled: () => Promise.all(work) };
}

const worker = (now?: Date) => createWorker({ openDb, sink: (l) => lines.push(l), drainBudgetMs: 5_000, ...(now ? { now: () => now } : {}) });

beforeAll(async () => {
  fake = await startFakeFeishu();
  db = await createTestDb();
  env = {
    ...(db.url ? { HYPERDRIVE: { connectionString: db.url } } : {}),
    ORG_TIMEZONE: TZ, LOG_LEVEL: 'debug', FEISHU_MODE: 'webhook',
    FEISHU_APP_ID: FAKE_APP_ID, FEISHU_APP_SECRET: FAKE_APP_SECRET, FEISHU_VERIFICATION_TOKEN: TOKEN,
    FEISHU_ENCRYPT_KEY: KEY, FEISHU_BASE_URL: fake.baseUrl,
  };
  const [tenant] = await db.db.insert(tenants).values({ platform: 'feishu', externalKey: TENANT, name: '测试单位' }).returning();
  const [branch] = await db.db.insert(branches).values({ tenantId: tenant!.id, name: '第一党支部' }).returning();
  const [member] = await db.db.insert(members).values({ tenantId: tenant!.id, branchId: branch!.id, name: '张三', status: '正式党员' }).returning();
  await db.db.insert(identities).values({ tenantId: tenant!.id, platform: 'feishu', userId: ALICE, memberId: member!.id });
});
afterAll(async () => {
  await db?.close();
  await fake?.close();
});
beforeEach(() => {
  lines = [];
  opens = 0;
  closes = 0;
});

const helpEvent = (messageId: string) =>
  buildMessageEvent({ token: TOKEN, tenantKey: TENANT, chatType: 'p2p', chatId: 'oc_p2p', messageId, senderOpenId: ALICE, text: '帮助' });

describe('Worker fetch', () => {
  it('acknowledges a signed, encrypted 帮助, then answers it from waitUntil and closes its client', async () => {
    const { ctx, work, settled } = context();
    const res = await worker().fetch(new Request('https://bot.example/feishu/events', feishuRequest(helpEvent('om_w_help'), KEY)), env, ctx);
    expect(res.status).toBe(200);
    expect(work).toHaveLength(1);
    await settled();
    const sent = fake.sent().filter((m) => m.receiveId === ALICE);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ via: 'create', receiveIdType: 'open_id' });
    expect(JSON.stringify(sent[0]?.content)).toContain('帮助');
    const [row] = await db.db.select().from(inbox).where(eq(inbox.dedupeKey, `feishu:${TENANT}:om_w_help`));
    expect(row?.status).toBe('done');
    expect([opens, closes]).toEqual([1, 1]);
    expect(lines.join('\n')).not.toContain(FAKE_APP_SECRET);
  });

  it('a health check or a refused request drains nothing, and still closes its client', async () => {
    const before = fake.calls.length;
    const a = context();
    expect((await worker().fetch(new Request('https://bot.example/healthz'), env, a.ctx)).status).toBe(200);
    const b = context();
    const unsigned = { ...feishuRequest(helpEvent('om_w_forged'), KEY), headers: { 'content-type': 'application/json' } };
    expect((await worker().fetch(new Request('https://bot.example/feishu/events', unsigned), env, b.ctx)).status).toBeGreaterThanOrEqual(400);
    await Promise.all([a.settled(), b.settled()]);
    expect(fake.calls.length).toBe(before);
    expect(await db.db.select().from(inbox).where(eq(inbox.dedupeKey, `feishu:${TENANT}:om_w_forged`))).toHaveLength(0);
    expect([opens, closes]).toEqual([2, 2]);
  });

  it('answers 500 without a database binding or with a broken configuration', async () => {
    const plain = createWorker({ sink: (l) => lines.push(l) });
    const { ctx } = context();
    expect((await plain.fetch(new Request('https://bot.example/healthz'), {}, ctx)).status).toBe(500);
    expect(lines.join('\n')).toContain('HYPERDRIVE binding is missing');
    const withDb = { ...env, HYPERDRIVE: { connectionString: 'postgres://u:p@127.0.0.1:1/x' }, LOG_LEVEL: 'loud' };
    expect((await plain.fetch(new Request('https://bot.example/healthz'), withDb, ctx)).status).toBe(500);
    expect(lines.join('\n')).toContain('LOG_LEVEL');
  });
});

describe('card taps on Workers', () => {
  it('a tap is tracked by the deferrer, so the Worker keeps it alive and closes the client only after it', async () => {
    const runtime = createRuntime({
      config: loadConfig({}), handle: { ...db, close: async () => {} }, log: memoryLogger('silent'), deferrer: trackedDeferrer(() => {}),
    });
    let done = false;
    const tap = runtime.runAction(consoleMessage('帮助', '张三')).then(() => { done = true; });
    await runtime.deferrer.settle();
    expect(done).toBe(true);
    await tap;
  });
});

describe('Worker scheduled', () => {
  it("runs the jobs of the trigger that fired, for the trigger's minute", async () => {
    const cron = toUtcCron(inboxCleanup.cron, TZ);
    const at = new Date('2026-12-02T19:30:00Z');
    const { ctx, settled } = context();
    await worker().scheduled({ cron, scheduledTime: at.getTime() }, env, ctx);
    await settled();
    const runs = await db.db.select().from(jobRuns);
    expect(runs.map((r) => r.job).sort()).toEqual(jobsForUtcCron(cron, TZ).map((j) => j.name).sort());
    expect(runs.find((r) => r.job === inboxCleanup.name)).toMatchObject({ outcome: 'ok', slot: at });
    expect([opens, closes]).toEqual([1, 1]);
  });

  it('every tick sends due outbox rows and answers inbox rows a cut-short request left', async () => {
    const now = new Date('2026-12-03T10:00:00+08:00');
    await enqueue(db.db, {
      recipient: { platform: 'feishu', kind: 'user', id: 'ou_worker_bob', tenantKey: TENANT },
      reply: { kind: 'text', text: '本月党费尚未交纳，请及时交纳。' }, dedupeKey: 'worker-test:due-reminder', kind: 'reminder',
    }, { now, tz: TZ });
    await acceptMessage(db.db, {
      platform: 'feishu', tenantKey: TENANT, messageId: 'om_w_left', chat: { id: 'oc_p2p', kind: 'private' },
      sender: { userId: ALICE }, text: '帮助', mentions: [], receivedAt: now,
    });
    const { ctx, settled } = context();
    await worker(now).scheduled({ cron: TICK_CRON, scheduledTime: now.getTime() }, env, ctx);
    await settled();
    expect(fake.sent().filter((m) => m.receiveId === 'ou_worker_bob').map((m) => m.content)).toEqual([{ text: '本月党费尚未交纳，请及时交纳。' }]);
    const [left] = await db.db.select().from(inbox).where(eq(inbox.dedupeKey, `feishu:${TENANT}:om_w_left`));
    expect(left?.status).toBe('done');
    const [reply] = await db.db.select().from(outbox).where(eq(outbox.dedupeKey, `reply:feishu:${TENANT}:om_w_left`));
    expect(reply?.status).toBe('sent');
    expect(lines.join('\n')).not.toContain('matches no job');
  });

  it('warns about a trigger that matches no job (a stale one left in the dashboard)', async () => {
    const { ctx, settled } = context();
    await worker().scheduled({ cron: '7 7 7 7 *', scheduledTime: Date.now() }, env, ctx);
    await settled();
    expect(lines.join('\n')).toContain('matches no job');
    expect([opens, closes]).toEqual([1, 1]);
  });
});

describe('Hyperdrive client', () => {
  it.runIf(onPostgres)('opens at most 5 connections however many queries an invocation runs at once', async () => {
    const handle = hyperdriveDb(env);
    try {
      const rows = await Promise.all(Array.from({ length: 15 }, () =>
        handle.db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid, pg_sleep(0.05)`)));
      const pids = new Set(rows.map((r) => Number((Array.isArray(r) ? r : (r as { rows: { pid: number }[] }).rows)[0]!.pid)));
      expect(pids.size).toBeGreaterThan(1);
      expect(pids.size).toBeLessThanOrEqual(5);
    } finally {
      await handle.close();
    }
  });
});

