/**
 * The database going away under a running service, and coming back, without a restart:
 * - while down, /healthz answers 503 and webhooks 5xx (never a 200 that would lose the message);
 * - when it dies in the middle of processing a message — at every single query of it, in turn — the
 *   message stays in the inbox, nothing of it is half-written, and it is processed exactly once
 *   when the database is back;
 * - when it dies in the middle of a job, the job is retried and completes, each message once;
 * - on Postgres, an admin's pg_terminate_backend mid-flight is survived the same way.
 */
import { and, count, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, branches, inbox, jobRuns, members, outbox, tenants } from '../../db/schema/index.ts';
import type { Job } from '../../cron/job.ts';
import { catchUp, runJob } from '../../cron/runner.ts';
import { acceptMessage, inboxKey } from '../../src/bot/inbox.ts';
import { consoleMessage } from '../../src/platforms/console/message.ts';
import { enqueue } from '../../src/notify/outbox.ts';
import { isTransientDbError } from '../../db/errors.ts';
import { flakyTestDb, type FlakyDb } from './support/flaky-db.ts';
import { onPostgres } from '../helpers/db.ts';
import { dingtalk, dingtalkMessage, feishu, feishuMessage, FEISHU_TENANT } from './support/requests.ts';
import { simClock, startService, type Service } from './support/service.ts';

describe('the database going away and coming back', () => {
  const clock = simClock('2026-12-02T10:00:00+08:00');
  let db: FlakyDb;
  let svc: Service;

  beforeAll(async () => {
    db = await flakyTestDb();
    svc = await startService({ handle: db.handle, clock, keepDb: true });
    const [t] = await db.direct.db.insert(tenants).values({ platform: 'console', externalKey: 'console', name: '本地控制台' }).returning();
    await db.direct.db.insert(branches).values({ tenantId: t!.id, name: '第一党支部' });
  });
  afterAll(async () => {
    await db?.up();
    await svc?.close();
    await db?.close();
  });

  /** The Node host's 30-second recovery tick: run again while the first attempts meet a connection the database dropped. */
  async function recoveryTick<T>(work: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await work();
      } catch (err) {
        if (!isTransientDbError(err) || i >= 5) throw err;
      }
    }
  }

  const rows = async (key: string) => db.direct.db.select().from(inbox).where(eq(inbox.dedupeKey, key));
  const replies = async (key: string) => db.direct.db.select().from(outbox).where(eq(outbox.dedupeKey, `reply:${key}`));

  it('while down: /healthz 503, every webhook 5xx; back: 200, and the redelivered messages are processed once', async () => {
    expect((await svc.runtime.app.request('/healthz')).status).toBe(200);
    db.down();
    expect((await svc.runtime.app.request('/healthz')).status).toBe(503);
    const fEvent = feishuMessage({ text: '帮助', messageId: 'om_dbdown_1' });
    const dEvent = dingtalkMessage(clock.now(), { msgId: 'msg_dbdown_1' });
    const f = await svc.runtime.app.request('/feishu/events', feishu(fEvent, clock.now()));
    const d = await svc.runtime.app.request('/dingtalk/events', dingtalk(dEvent, clock.now()));
    expect(f.status).toBeGreaterThanOrEqual(500);
    expect(d.status).toBeGreaterThanOrEqual(500);
    expect(JSON.stringify([await f.text(), await d.text()])).not.toMatch(/select|insert|inbox|params/i);
    await svc.runtime.deferrer.settle();

    await db.up();
    expect((await svc.runtime.app.request('/healthz')).status).toBe(200);
    // The platforms deliver again, having had no 200.
    expect((await svc.runtime.app.request('/feishu/events', feishu(fEvent, clock.now()))).status).toBe(200);
    expect((await svc.runtime.app.request('/dingtalk/events', dingtalk(dEvent, clock.now()))).status).toBe(200);
    await svc.pump();
    for (const key of [`feishu:${FEISHU_TENANT}:om_dbdown_1`, 'dingtalk:dingcorp_hardening:msg_dbdown_1']) {
      expect((await rows(key)).map((r) => r.status)).toEqual(['done']);
      expect(await replies(key)).toHaveLength(1);
    }
  });

  /**
   * Sends `成员 添加 <name>` and cuts the database at its k-th query, for k = 1, 2, … until the cut
   * comes after the last one: every point of the processing is hit once. `mode` 'down' keeps the
   * database away until the check; 'blip' drops just that connection (the database is right back).
   */
  async function everyQuery(mode: 'down' | 'blip', prefix: string) {
    let k = 1;
    for (; k < 200; k++) {
      const name = `${prefix}${k}`;
      const msg = consoleMessage(`成员 添加 ${name} 身份:正式党员`, '管理员', { now: clock.now() });
      await acceptMessage(db.direct.db, msg);
      const before = db.faults;
      if (mode === 'down') db.failAfter(k);
      else db.blipAt(k);
      await svc.runtime.processPending().catch(() => 0);
      const hit = db.faults > before;
      const [waiting] = await rows(inboxKey(msg));
      await db.up();
      // Never given up on, never answered with an internal error.
      expect(waiting?.status, `query ${k}`).not.toBe('failed');
      if (waiting?.status === 'received') {
        // Nothing of it is visible while it waits.
        expect(await db.direct.db.select().from(members).where(eq(members.name, name)), `query ${k}`).toEqual([]);
        expect(await replies(inboxKey(msg)), `query ${k}`).toEqual([]);
      }
      await svc.pump();
      expect((await rows(inboxKey(msg))).map((r) => r.status), `query ${k}`).toEqual(['done']);
      const added = await db.direct.db.select().from(members).where(eq(members.name, name));
      expect(added, `query ${k}`).toHaveLength(1);
      const [audit] = await db.direct.db.select({ n: count() }).from(auditLog)
        .where(and(eq(auditLog.entity, 'member'), eq(auditLog.entityId, String(added[0]!.id))));
      expect(audit!.n, `query ${k}`).toBe(1);
      const r = await replies(inboxKey(msg));
      expect(r, `query ${k}`).toHaveLength(1);
      expect(JSON.stringify(r[0]!.reply), `query ${k}`).toContain(`已将“${name}”添加到`);
      if (!hit) break; // the cut came after the last query: every position has been tried
    }
    return k;
  }

  // On Postgres, cutting connections under in-flight queries again and again makes postgres.js 3.4.9
  // throw an uncaught TypeError from its write timer and leave its pool unusable (CONNECT_TIMEOUT on
  // every query): a driver defect that only a restart cures, see docs/reliability.md "Known limits".
  // The per-query sweep therefore runs on PGlite; Postgres gets the whole-outage and
  // pg_terminate_backend cases below.
  it.runIf(!onPostgres)('down at each query of processing a change, in turn: the message waits, then runs exactly once', async () => {
    expect(await everyQuery('down', '故障新人')).toBeGreaterThan(3);
  });

  it.runIf(!onPostgres)('a dropped connection at each query, in turn (the database right back): processed exactly once', async () => {
    expect(await everyQuery('blip', '断线新人')).toBeGreaterThan(3);
  });

  const probe: Job = {
    name: 'hardening-probe', cron: '*/5 * * * *', description: '测试任务',
    async run(now, deps) {
      for (let i = 0; i < 5; i++) {
        await enqueue(deps.db, {
          recipient: { platform: 'console', kind: 'user', id: `probe-${i}`, tenantKey: 'console' },
          reply: { kind: 'text', text: `探测 ${i}` }, dedupeKey: `probe:${now.toISOString()}:${i}`, kind: 'summary',
        }, { now, tz: deps.tz });
      }
      return { sent: 5 };
    },
  };
  const probeSent = (slot: Date) => db.direct.db.select().from(outbox).where(like(outbox.dedupeKey, `probe:${slot.toISOString()}:%`));
  const probeRuns = async (slot: Date) => (await db.direct.db.select().from(jobRuns)
    .where(and(eq(jobRuns.job, 'hardening-probe'), eq(jobRuns.slot, slot)))).map((r) => r.outcome);

  it('down in the middle of a job: the job waits for the database, then completes, every message once', async () => {
    const slot = new Date('2026-12-02T02:05:00Z');
    let waits = 0;
    db.failAfter(4);
    const r = await runJob(probe, slot, svc.jobDeps(), { retry: { sleep: async () => { if (++waits === 3) await db.up(); } } });
    expect(r.status).toBe('ok');
    expect(waits).toBeGreaterThanOrEqual(3);
    expect(await probeSent(slot)).toHaveLength(5);
    expect(await probeRuns(slot)).toEqual(['ok']);
  });

  it('down at the slot itself: the recovery catch-up runs the missed slot once the database is back', async () => {
    const slot = new Date('2026-12-02T02:10:00Z');
    db.down();
    await expect(runJob(probe, slot, svc.jobDeps())).rejects.toThrow();
    await db.up();
    await recoveryTick(() => catchUp([probe], new Date(slot.getTime() + 60_000), svc.jobDeps()));
    await recoveryTick(() => catchUp([probe], new Date(slot.getTime() + 90_000), svc.jobDeps()));
    expect(await probeSent(slot)).toHaveLength(5);
    expect(await probeRuns(slot)).toEqual(['ok']);
  });

  it('unreachable for longer than the job waits: the slot is freed and a later catch-up completes it', async () => {
    const slot = new Date('2026-12-02T02:15:00Z');
    let failing = true;
    const stubborn: Job = {
      ...probe,
      async run(now, deps) {
        if (failing) throw Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' });
        return probe.run(now, deps);
      },
    };
    const r = await runJob(stubborn, slot, svc.jobDeps(), { retry: { maxWaitMs: 20_000, sleep: async () => {} } });
    expect(r.status).toBe('error');
    expect(await probeRuns(slot)).toEqual([]);
    failing = false;
    await recoveryTick(() => catchUp([stubborn], new Date(slot.getTime() + 60_000), svc.jobDeps()));
    expect(await probeSent(slot)).toHaveLength(5);
    expect(await probeRuns(slot)).toEqual(['ok']);
  });

  it.runIf(onPostgres)('pg_terminate_backend in the middle of processing: processed once', async () => {
    const msgs = [];
    for (let i = 0; i < 5; i++) {
      const m = consoleMessage(`成员 添加 终止新人${i}`, '管理员', { now: clock.now() });
      await acceptMessage(db.direct.db, m);
      msgs.push(m);
    }
    const processing = svc.runtime.processPending().catch(() => 0);
    await db.terminateBackends();
    await processing;
    await svc.pump();
    for (const [i, m] of msgs.entries()) {
      expect((await rows(inboxKey(m))).map((r) => r.status)).toEqual(['done']);
      expect(await db.direct.db.select().from(members).where(eq(members.name, `终止新人${i}`))).toHaveLength(1);
      expect(await replies(inboxKey(m))).toHaveLength(1);
    }
  });
});
