import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branches, exportFiles, identities, members, tenants } from '../../../db/schema/index.ts';
import type { DingTalkConfig } from '../../../src/config.ts';
import { fileReply } from '../../../src/files/export-files.ts';
import { memoryLogger } from '../../../src/log.ts';
import { createDingTalkSender } from '../../../src/platforms/dingtalk/sender.ts';
import type { Outbound } from '../../../src/platforms/types.ts';
import { buildRobotCallback, signedHeaders, startFakeDingTalk, type FakeDingTalk } from '../../fakes/dingtalk-server.ts';
import { createTestBot, type TestBot } from '../../helpers/runtime.ts';

const APP_KEY = 'dingfilesappkey';
const SECRET = 'files-dingtalk-secret-value';
const CORP = 'dingfilescorp';
const SECRETARY = 'zhang01';
const MEMBER = 'li02';

describe('exports arrive in DingTalk as files (real HTTP client against the fake)', () => {
  let fake: FakeDingTalk;
  let bot: TestBot;
  let tenantId: number;
  const year = new Date().getFullYear();

  beforeAll(async () => {
    fake = await startFakeDingTalk({ appKey: APP_KEY, appSecret: SECRET, robotCode: APP_KEY });
    bot = await createTestBot({
      now: new Date(),
      env: { DINGTALK_APP_KEY: APP_KEY, DINGTALK_APP_SECRET: SECRET, DINGTALK_API_BASE: fake.baseUrl, DINGTALK_MODE: 'http' },
    });
    const db = bot.handle.db;
    const [tenant] = await db.insert(tenants).values({ platform: 'dingtalk', externalKey: CORP, name: '测试单位' }).returning();
    tenantId = tenant!.id;
    const [branch] = await db.insert(branches).values({ tenantId, name: '第一党支部' }).returning();
    for (const [userId, name, roles] of [[SECRETARY, '张书记', ['书记']], [MEMBER, '李四', []]] as const) {
      const [m] = await db.insert(members).values({ tenantId, branchId: branch!.id, name, status: '正式党员', roles: [...roles] }).returning();
      await db.insert(identities).values({ tenantId, platform: 'dingtalk', userId, memberId: m!.id });
    }
  });
  afterAll(async () => {
    const logs = bot.log.lines.join('\n');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toMatch(/fake-token-\d/); // the legacy API takes the token in its URL
    await bot?.close();
    await fake?.close();
  });

  async function say(staffId: string, text: string, msgId: string, group?: string) {
    const now = Date.now();
    const body = buildRobotCallback({
      msgId, corpId: CORP, senderStaffId: staffId, text: ` ${text}`, createAt: now,
      ...(group ? { conversationType: '2' as const, conversationId: group } : { conversationType: '1' as const }),
      sessionWebhook: fake.sessionWebhookUrl(`session-${msgId}`), sessionWebhookExpiredTime: now + 90 * 60_000,
    });
    const res = await bot.runtime.app.request('/dingtalk/events', { method: 'POST', headers: signedHeaders(SECRET, now), body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    await bot.runtime.deferrer.settle();
    await bot.runtime.processPending();
    await bot.drain();
  }

  it('uploads the workbook, then sends the caption and a sampleFile 1:1 (not through the session webhook)', async () => {
    await say(SECRETARY, `党费 导出 ${year}`, 'files-msg-1');
    const [stored] = await bot.handle.db.select().from(exportFiles);
    const [upload] = fake.uploads();
    expect(upload).toMatchObject({ type: 'file', fileName: stored!.fileName });
    expect(upload!.content.equals(stored!.content)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(upload!.content as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['党费台账', '交纳记录']);

    const sent = fake.sent();
    expect(sent.map((m) => m.via)).toEqual(['oto', 'oto']);
    expect(sent[0]).toMatchObject({ userIds: [SECRETARY], msgKey: 'sampleText' });
    expect(JSON.stringify(sent[0])).toContain(`已导出“第一党支部”${year}年党费台账`);
    expect(sent[1]).toMatchObject({
      userIds: [SECRETARY], msgKey: 'sampleFile', msgParam: { mediaId: upload!.mediaId, fileName: stored!.fileName, fileType: 'xlsx' },
    });
  });

  it('a file for a group goes through the group send; a member who may not export gets a refusal and no file', async () => {
    // Every export is private-only; a file reply to a group (e.g. a tapped export button) uses the group API.
    const config: DingTalkConfig = { appKey: APP_KEY, appSecret: SECRET, robotCode: APP_KEY, apiBase: fake.baseUrl, mode: 'http' };
    await say(SECRETARY, `会议 导出 ${year}`, 'files-msg-2');
    const [, stored] = await bot.handle.db.select().from(exportFiles).orderBy(exportFiles.id);
    const reply = await fileReply(bot.handle.db, { tenantId, fileName: stored!.fileName, content: stored!.content, now: new Date() });
    const sender = createDingTalkSender({ config, log: memoryLogger('silent'), files: async () => ({ fileName: stored!.fileName, content: stored!.content }) });
    expect(await sender.send([{ id: 2, recipient: { platform: 'dingtalk', kind: 'chat', id: 'cidFilesGroup==', tenantKey: CORP }, reply, dedupeKey: 'files:group' }])).toEqual([{ ok: true }]);
    const group = fake.sent().filter((m) => m.via === 'group');
    expect(group.map((m) => m.msgKey)).toEqual(['sampleFile']);
    expect(group[0]).toMatchObject({ openConversationId: 'cidFilesGroup==', msgParam: { mediaId: fake.uploads().at(-1)!.mediaId, fileType: 'xlsx' } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fake.uploads().at(-1)!.content as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['会议记录', '落实情况']);

    const uploads = fake.uploads().length;
    const sent = fake.sent().length;
    await say(MEMBER, `党费 导出 ${year}`, 'files-msg-3');
    expect(fake.uploads()).toHaveLength(uploads);
    const answer = fake.sent().slice(sent);
    expect(answer).toHaveLength(1);
    expect(answer[0]!.via).toBe('session');
    expect(JSON.stringify(answer[0])).toContain('仅书记、会计、出纳可用');
  });

  it('retries a failed upload, and fails for good on a file too big to upload', async () => {
    const config: DingTalkConfig = { appKey: APP_KEY, appSecret: SECRET, robotCode: APP_KEY, apiBase: fake.baseUrl, mode: 'http' };
    const reply = await fileReply(bot.handle.db, { tenantId, fileName: 'a.xlsx', content: Buffer.from('bytes'), now: new Date() });
    const row: Outbound = { id: 1, recipient: { platform: 'dingtalk', kind: 'user', id: SECRETARY, tenantKey: CORP }, reply, dedupeKey: 'files:dt' };
    const log = memoryLogger('silent');
    const small = createDingTalkSender({ config, log, files: async () => ({ fileName: 'a.xlsx', content: Buffer.from('bytes') }) });
    const sent = fake.sent().length;
    fake.failNext('http500', { path: '/media/upload' });
    expect(await small.send([row])).toEqual([expect.objectContaining({ ok: false, retryable: true })]);
    expect(fake.sent()).toHaveLength(sent);
    expect(await small.send([row])).toEqual([{ ok: true }]);
    expect(fake.uploads().at(-1)!.content.toString()).toBe('bytes');

    const big = createDingTalkSender({ config, log, files: async () => ({ fileName: 'big.xlsx', content: Buffer.alloc(20 * 1024 * 1024 + 1) }) });
    const [result] = await big.send([row]);
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect((result as { error: string }).error).toContain('cannot be uploaded (1 byte to 20 MB)');
    const none = createDingTalkSender({ config, log, files: async () => undefined });
    expect(await none.send([row])).toEqual([{ ok: false, retryable: false, error: `dingtalk: file ${reply.fileId} is no longer stored` }]);
  });
});
