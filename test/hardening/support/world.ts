/**
 * A populated organisation for the cross-cutting sweeps: two tenants, two branches, one person per
 * role, plain members, an admin, a stranger and a hidden anonymous writer. Messages go through the
 * real inbox, dispatcher and outbox of a test bot; replies are read back from the outbox.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { branches, chats, identities, inbox, members, outbox, tenants } from '../../../db/schema/index.ts';
import type { Db, DbHandle } from '../../../db/client.ts';
import type { Asker } from '../../../src/bot/context.ts';
import { inboxKey } from '../../../src/bot/inbox.ts';
import type { BranchRole, MemberStatus } from '../../../src/bot/roles.ts';
import type { ChatMessage, Reply } from '../../../src/bot/types.ts';
import { createTestBot, type TestBot } from '../../helpers/runtime.ts';

export const TENANT_A = 'console';
export const TENANT_B = 'other-unit';
export const BRANCH_1 = '第一党支部';
export const BRANCH_2 = '第二党支部';
export const BRANCH_B = '外单位党支部';
export const GROUP_1 = 'g-branch-1';
export const GROUP_B = 'g-branch-b';

/** Secrets the world's config holds; none may ever appear in a log line, reply or export. */
export const SECRETS = {
  FEISHU_APP_ID: 'cli_hardening0000001',
  FEISHU_APP_SECRET: 'fs-secret-H4rd3n1ng-aa11',
  FEISHU_VERIFICATION_TOKEN: 'fs-token-H4rd3n1ng-bb22',
  FEISHU_ENCRYPT_KEY: 'fs-encrypt-H4rd3n1ng-cc33',
  DINGTALK_APP_KEY: 'dingHardeningKey01',
  DINGTALK_APP_SECRET: 'dt-secret-H4rd3n1ng-dd44',
} as const;
export const SECRET_VALUES = [
  SECRETS.FEISHU_APP_SECRET, SECRETS.FEISHU_VERIFICATION_TOKEN, SECRETS.FEISHU_ENCRYPT_KEY, SECRETS.DINGTALK_APP_SECRET,
];

export interface Persona {
  /** What the sweep calls them, e.g. `书记`, `stranger`, `tenantB-书记`. */
  label: string;
  /** The console user id (= their name in the roster, so the console binds them). */
  userId: string;
  tenantKey: string;
  /** What `canRun` sees; admin and membership as seeded. */
  asker: Pick<Asker, 'isAdmin'> & { member?: { roles: BranchRole[]; status: MemberStatus; branch: string } };
}

interface Seed {
  name: string;
  roles?: BranchRole[];
  status?: MemberStatus;
  branch: string;
  tenant: string;
  label?: string;
}

/** Names the commands' own examples use (张三 李四 王五 赵六) exist, so examples reach the handlers. */
const SEEDS: Seed[] = [
  { name: '张书记', roles: ['书记'], branch: BRANCH_1, tenant: TENANT_A, label: '书记' },
  { name: '李副书记', roles: ['副书记'], branch: BRANCH_1, tenant: TENANT_A, label: '副书记' },
  { name: '王组织', roles: ['组织委员'], branch: BRANCH_1, tenant: TENANT_A, label: '组织委员' },
  { name: '赵宣传', roles: ['宣传委员'], branch: BRANCH_1, tenant: TENANT_A, label: '宣传委员' },
  { name: '钱纪检', roles: ['纪检委员'], branch: BRANCH_1, tenant: TENANT_A, label: '纪检委员' },
  { name: '孙会计', roles: ['会计'], branch: BRANCH_1, tenant: TENANT_A, label: '会计' },
  { name: '周出纳', roles: ['出纳'], branch: BRANCH_1, tenant: TENANT_A, label: '出纳' },
  { name: '吴组长', roles: ['党小组长'], branch: BRANCH_1, tenant: TENANT_A, label: '党小组长' },
  { name: '张三', branch: BRANCH_1, tenant: TENANT_A, label: '党员' },
  { name: '李四', status: '预备党员', branch: BRANCH_1, tenant: TENANT_A, label: '预备党员' },
  { name: '王五', status: '入党积极分子', branch: BRANCH_1, tenant: TENANT_A, label: '积极分子' },
  { name: '赵六', status: '群众', branch: BRANCH_1, tenant: TENANT_A, label: '群众' },
  { name: '欧阳隐', branch: BRANCH_1, tenant: TENANT_A, label: 'anon-writer' },
  { name: '郑书记', roles: ['书记'], branch: BRANCH_2, tenant: TENANT_A, label: 'branch2-书记' },
  { name: '冯七', branch: BRANCH_2, tenant: TENANT_A },
  { name: '外书记', roles: ['书记', '会计'], branch: BRANCH_B, tenant: TENANT_B, label: 'tenantB-书记' },
  { name: '外党员', branch: BRANCH_B, tenant: TENANT_B, label: 'tenantB-党员' },
];

/** The anonymous writer: only ever writes anonymously, so their name anywhere near that is a leak. */
export const ANON_WRITER = '欧阳隐';
/** Names that exist only in tenant B: tenant A must never see them, and the reverse for TENANT_A_ONLY. */
export const TENANT_B_ONLY = ['外书记', '外党员', BRANCH_B];
export const TENANT_A_ONLY = ['张书记', '李副书记', '孙会计', '欧阳隐', BRANCH_1, BRANCH_2];

export interface World {
  bot: TestBot;
  db: Db;
  personas: Persona[];
  persona(label: string): Persona;
  tenantIds: Record<string, number>;
  memberIds: Record<string, number>;
  exportsDir: string;
  /** Sends one line and processes it; returns the reply (null when the bot chose silence). */
  send(p: Persona, text: string, opts?: { group?: string }): Promise<Sent>;
  /** Accepts a message into the inbox only (what a webhook does before its 200). */
  accept(p: Persona, text: string, opts?: { group?: string }): Promise<ChatMessage>;
  /** The reply queued for a message, if any. */
  replyTo(msg: ChatMessage): Promise<Reply | null>;
  /** The message's inbox status: received | done | failed (or missing). */
  statusOf(msg: ChatMessage): Promise<string>;
  close(): Promise<void>;
}

export interface Sent {
  msg: ChatMessage;
  reply: Reply | null;
  /** The inbox row's status after processing: done | failed | received. */
  status: string;
}

export function chatMessage(p: Persona, text: string, opts: { group?: string; now: Date }): ChatMessage {
  const mentions = [...text.matchAll(/@([^\s@]+)/g)].map((m) => ({ userId: m[1]!, name: m[1]! }));
  return {
    platform: 'console',
    tenantKey: p.tenantKey,
    messageId: randomUUID(),
    chat: opts.group ? { id: opts.group, kind: 'group', title: opts.group } : { id: `dm:${p.userId}`, kind: 'private' },
    sender: { userId: p.userId, name: p.userId },
    text,
    mentions,
    receivedAt: opts.now,
  };
}

/** Platform APIs point at a closed port unless a test gives its fakes: nothing leaves the machine. */
const OFFLINE = { FEISHU_BASE_URL: 'http://127.0.0.1:9', DINGTALK_API_BASE: 'http://127.0.0.1:9' };

export async function createWorld(opts: { now?: string; env?: Record<string, string>; handle?: DbHandle } = {}): Promise<World> {
  const exportsDir = mkdtempSync(join(tmpdir(), 'hardening-exports-'));
  const bot = await createTestBot({
    now: opts.now ?? '2026-12-02T10:00:00+08:00', env: { ...SECRETS, ...OFFLINE, EXPORTS_DIR: exportsDir, ...opts.env }, ...(opts.handle ? { handle: opts.handle } : {}),
  });
  const db = bot.handle.db;
  const tenantIds: Record<string, number> = {};
  for (const [key, name] of [[TENANT_A, '本地控制台'], [TENANT_B, '外单位']] as const) {
    const [t] = await db.insert(tenants).values({ platform: 'console', externalKey: key, name }).onConflictDoNothing().returning();
    tenantIds[key] = t ? t.id : (await db.select().from(tenants).where(eq(tenants.externalKey, key)))[0]!.id;
  }
  const branchIds: Record<string, number> = {};
  for (const [name, tenant] of [[BRANCH_1, TENANT_A], [BRANCH_2, TENANT_A], [BRANCH_B, TENANT_B]] as const) {
    const [b] = await db.insert(branches).values({ tenantId: tenantIds[tenant]!, name }).returning();
    branchIds[name] = b!.id;
  }
  const memberIds: Record<string, number> = {};
  const personas: Persona[] = [];
  for (const s of SEEDS) {
    const status = s.status ?? '正式党员';
    const [m] = await db.insert(members).values({
      tenantId: tenantIds[s.tenant]!, branchId: branchIds[s.branch]!, name: s.name, status, roles: s.roles ?? [],
      probationarySince: status === '正式党员' || status === '预备党员' ? '2020-06-01' : null,
      fullSince: status === '正式党员' ? '2021-06-01' : null,
    }).returning();
    await db.insert(identities).values({ tenantId: tenantIds[s.tenant]!, platform: 'console', userId: s.name, memberId: m!.id });
    memberIds[s.name] = m!.id;
    if (s.label) {
      personas.push({
        label: s.label, userId: s.name, tenantKey: s.tenant,
        asker: { isAdmin: false, member: { roles: s.roles ?? [], status, branch: s.branch } },
      });
    }
  }
  personas.push({ label: 'admin', userId: '管理员', tenantKey: TENANT_A, asker: { isAdmin: true } });
  personas.push({ label: 'stranger', userId: '路人甲', tenantKey: TENANT_A, asker: { isAdmin: false } });
  await db.insert(chats).values([
    { tenantId: tenantIds[TENANT_A]!, platform: 'console', chatId: GROUP_1, branchId: branchIds[BRANCH_1]!, title: GROUP_1 },
    { tenantId: tenantIds[TENANT_B]!, platform: 'console', chatId: GROUP_B, branchId: branchIds[BRANCH_B]!, title: GROUP_B },
  ]);

  const replyTo = async (msg: ChatMessage): Promise<Reply | null> => {
    const [row] = await db.select({ reply: outbox.reply }).from(outbox).where(eq(outbox.dedupeKey, `reply:${inboxKey(msg)}`));
    return row?.reply ?? null;
  };
  const statusOf = async (msg: ChatMessage): Promise<string> => {
    const [row] = await db.select({ status: inbox.status }).from(inbox).where(eq(inbox.dedupeKey, inboxKey(msg)));
    return row?.status ?? 'missing';
  };
  const accept = async (p: Persona, text: string, o: { group?: string } = {}) => {
    const msg = chatMessage(p, text, { group: o.group, now: bot.now() });
    await bot.runtime.ingest(msg);
    return msg;
  };
  return {
    bot, db, personas, tenantIds, memberIds, exportsDir,
    persona: (label) => {
      const p = personas.find((x) => x.label === label);
      if (!p) throw new Error(`no persona ${label}`);
      return p;
    },
    accept,
    replyTo,
    statusOf,
    async send(p, text, o = {}) {
      const msg = await accept(p, text, o);
      await bot.runtime.deferrer.settle();
      await bot.runtime.processPending();
      return { msg, reply: await replyTo(msg), status: await statusOf(msg) };
    },
    close: () => bot.close(),
  };
}
