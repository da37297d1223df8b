// The Worker in real workerd (`wrangler dev` 4.86.0) against local Postgres through Hyperdrive and the
// fake Feishu server: an encrypted, signed 帮助 is answered, and a Cron Trigger sends a due reminder.
// Run with `npm run test:worker` (not part of `npm test`: it bundles and starts workerd).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toUtcCron } from '../cron/cron-expr.ts';
import { talkReminders } from '../cron/talk-reminders.ts';
import { branches, identities, inbox, jobRuns, members, talks, tenants } from '../db/schema/index.ts';
import {
  FAKE_APP_ID, FAKE_APP_SECRET, FAKE_BOT_OPEN_ID, buildMessageEvent, feishuRequest, startFakeFeishu, type FakeFeishu,
} from '../test/fakes/feishu-server.ts';
import { buildBundle, createWorkerDb, startWranglerDev, tempDir, type WranglerDev } from './harness.ts';

const TOKEN = 'workerd-verification-token';
const KEY = 'workerd-encrypt-key-0123';
const TENANT = 'tenant_workerd';
const ALICE = 'ou_workerd_alice';
const BOB = 'ou_workerd_bob';
const GROUP = 'oc_workerd_group';
const TZ = 'Asia/Shanghai';
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let fake: FakeFeishu;
let db: Awaited<ReturnType<typeof createWorkerDb>>;
let dev: WranglerDev;
const tmp = tempDir();

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; worker output:\n${dev?.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}


beforeAll(async () => {
  fake = await startFakeFeishu();
  db = await createWorkerDb(ADMIN_URL);
  const [tenant] = await db.handle.db.insert(tenants)
    .values({ platform: 'feishu', externalKey: TENANT, name: '测试单位', settings: { quietHours: { start: '00:00', end: '00:00' } } })
    .returning();
  const [branch] = await db.handle.db.insert(branches).values({ tenantId: tenant!.id, name: '第一党支部' }).returning();
  const [alice, bob] = await db.handle.db.insert(members).values([
    { tenantId: tenant!.id, branchId: branch!.id, name: '张三', status: '正式党员', roles: ['书记'] },
    { tenantId: tenant!.id, branchId: branch!.id, name: '李四', status: '正式党员' },
  ]).returning();
  await db.handle.db.insert(identities).values([
    { tenantId: tenant!.id, platform: 'feishu', userId: ALICE, memberId: alice!.id },
    { tenantId: tenant!.id, platform: 'feishu', userId: BOB, memberId: bob!.id },
  ]);
  // An agreed talk 30 minutes from now: its one-hour reminder is due at the next talk-reminders tick.
  const now = Date.now();
  await db.handle.db.insert(talks).values({
    tenantId: tenant!.id, branchId: branch!.id, hostId: alice!.id, guestId: bob!.id, status: 'accepted',
    scheduledAt: new Date(now + 30 * 60_000), confirmedAt: new Date(now - 2 * 86_400_000), place: '党员活动室',
    createdAt: new Date(now - 3 * 86_400_000), updatedAt: new Date(now - 2 * 86_400_000),
  });

  const bundle = await buildBundle(tmp.dir);
  console.log(`worker bundle: ${bundle.size}`);
  dev = await startWranglerDev(bundle, {
    databaseUrl: db.url,
    timeoutMs: 180_000,
    vars: {
      FEISHU_APP_ID: FAKE_APP_ID, FEISHU_APP_SECRET: FAKE_APP_SECRET, FEISHU_VERIFICATION_TOKEN: TOKEN,
      FEISHU_ENCRYPT_KEY: KEY, FEISHU_BASE_URL: fake.baseUrl, LOG_LEVEL: 'debug', ORG_TIMEZONE: TZ,
    },
  });
}, 420_000);

afterAll(async () => {
  await dev?.stop();
  await db?.drop();
  await fake?.close();
  tmp.remove();
}, 60_000);

describe('the Worker in workerd', () => {
  it('answers an encrypted, signed 帮助 in a private chat and an @-mention in a group, through Hyperdrive and the fetch HttpInstance', async () => {
    const p2p = buildMessageEvent({
      token: TOKEN, tenantKey: TENANT, chatType: 'p2p', chatId: 'oc_workerd_p2p', messageId: 'om_workerd_p2p', senderOpenId: ALICE, text: '帮助',
    });
    const group = buildMessageEvent({
      token: TOKEN, tenantKey: TENANT, chatType: 'group', chatId: GROUP, messageId: 'om_workerd_group',
      senderOpenId: ALICE, text: '@_user_1 帮助', mentions: [{ openId: FAKE_BOT_OPEN_ID, name: '党支部助手' }],
    });
    fake.knowMessage('om_workerd_group', GROUP);
    for (const event of [p2p, group]) {
      const res = await fetch(`${dev.url}/feishu/events`, feishuRequest(event, KEY));
      expect(res.status).toBe(200);
    }

    const replies = await waitFor('both replies at the fake', () => {
      const s = fake.sent().filter((m) => m.receiveId === ALICE || m.chatId === GROUP);
      return s.length >= 2 ? s : undefined;
    });
    expect(replies).toHaveLength(2);
    const byVia = Object.fromEntries(replies.map((m) => [m.via, m]));
    expect(byVia.create).toMatchObject({ receiveIdType: 'open_id', receiveId: ALICE });
    expect(byVia.reply).toMatchObject({ replyTo: 'om_workerd_group', chatId: GROUP });
    for (const m of replies) expect(JSON.stringify(m.content)).toContain('帮助');
    const rows = await db.handle.db.select().from(inbox);
    expect(rows.map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('a Cron Trigger runs its job and sends the due reminder', async () => {
    const cron = toUtcCron(talkReminders.cron, TZ);
    const res = await fetch(`${dev.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}`);
    expect(res.status).toBe(200);
    const reminders = await waitFor('the talk reminders at the fake', () => {
      const s = fake.sent().filter((m) => JSON.stringify(m.content).includes('谈心谈话即将开始'));
      return s.length >= 2 ? s : undefined;
    });
    expect(reminders.map((m) => m.receiveId).sort()).toEqual([ALICE, BOB].sort());
    const [run] = await db.handle.db.select().from(jobRuns).where(eq(jobRuns.job, talkReminders.name));
    expect(run).toMatchObject({ outcome: 'ok', counts: { talks: 1, reminders: 2 } });
  });

  it('logged no secret and no cross-request I/O error', () => {
    const out = dev.output();
    expect(out).not.toContain(FAKE_APP_SECRET);
    expect(out).not.toContain(KEY);
    expect(out).not.toMatch(/Cannot perform I\/O on behalf of a different request|Uncaught/);
  });
});
