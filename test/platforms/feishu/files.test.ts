import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branches, exportFiles, identities, members, tenants } from '../../../db/schema/index.ts';
import { signAction } from '../../../src/bot/action-token.ts';
import { fileReply, fileSource } from '../../../src/files/export-files.ts';
import { memoryLogger, redact } from '../../../src/log.ts';
import { fetchHttpInstance } from '../../../src/platforms/feishu/fetch-http.ts';
import { createFeishuSender, feishuUuid } from '../../../src/platforms/feishu/sender.ts';
import {
  FAKE_APP_ID,
  FAKE_APP_SECRET,
  buildCardAction,
  buildMessageEvent,
  feishuRequest,
  startFakeFeishu,
  type FakeFeishu,
} from '../../fakes/feishu-server.ts';
import { createTestBot, type TestBot } from '../../helpers/runtime.ts';

const TOKEN = 'files-verification-token';
const KEY = 'files-encrypt-key';
const TENANT = 'tenant_files';
const TREASURER = 'ou_files_treasurer';
const MEMBER = 'ou_files_member';

describe('exports arrive in Feishu as files (real SDK against the fake)', () => {
  let fake: FakeFeishu;
  let bot: TestBot;
  let tenantId: number;
  const year = new Date().getFullYear();

  beforeAll(async () => {
    fake = await startFakeFeishu();
    bot = await createTestBot({
      now: new Date(),
      env: {
        FEISHU_APP_ID: FAKE_APP_ID, FEISHU_APP_SECRET: FAKE_APP_SECRET, FEISHU_VERIFICATION_TOKEN: TOKEN,
        FEISHU_ENCRYPT_KEY: KEY, FEISHU_BASE_URL: fake.baseUrl, FEISHU_MODE: 'webhook',
      },
    });
    const db = bot.handle.db;
    const [tenant] = await db.insert(tenants).values({ platform: 'feishu', externalKey: TENANT, name: '测试单位' }).returning();
    tenantId = tenant!.id;
    const [branch] = await db.insert(branches).values({ tenantId, name: '第一党支部' }).returning();
    for (const [userId, name, roles] of [[TREASURER, '钱会计', ['会计']], [MEMBER, '李四', []]] as const) {
      const [m] = await db.insert(members).values({ tenantId, branchId: branch!.id, name, status: '正式党员', roles: [...roles] }).returning();
      await db.insert(identities).values({ tenantId, platform: 'feishu', userId, memberId: m!.id });
    }
  });
  afterAll(async () => {
    await bot?.close();
    await fake?.close();
  });

  async function say(openId: string, text: string, messageId: string) {
    const event = buildMessageEvent({ token: TOKEN, tenantKey: TENANT, chatType: 'p2p', chatId: `oc_p2p_${openId}`, messageId, senderOpenId: openId, text });
    expect((await bot.runtime.app.request('/feishu/events', feishuRequest(event, KEY))).status).toBe(200);
    await bot.runtime.deferrer.settle();
    await bot.runtime.processPending();
    await bot.drain();
  }

  it('uploads the workbook, then sends the caption and a file message; the bytes are the stored ones', async () => {
    await say(TREASURER, `党费 导出 ${year}`, 'om_files_export_1');
    const [stored] = await bot.handle.db.select().from(exportFiles);
    const [upload] = fake.uploads();
    expect(upload).toMatchObject({ fileType: 'xls', fileName: stored!.fileName });
    expect(upload!.fileName).toMatch(/^第一党支部-党费台账-\d{4}-\d{12}\.xlsx$/);
    expect(upload!.content.equals(stored!.content)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(upload!.content as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['党费台账', '交纳记录']);
    expect(String(wb.getWorksheet('党费台账')!.getCell('A1').value)).toBe(`第一党支部 ${year}年党费收缴台账`);

    const sent = fake.sent();
    expect(sent.map((m) => [m.receiveId, m.msgType])).toEqual([[TREASURER, 'text'], [TREASURER, 'file']]);
    expect((sent[0]!.content as { text: string }).text).toContain(`已导出“第一党支部”${year}年党费台账`);
    expect(sent[1]!.content).toEqual({ file_key: upload!.fileKey });
    expect(new Set(sent.map((m) => m.uuid)).size).toBe(2);
  });

  it('sends nothing to a member who may not export', async () => {
    const before = { uploads: fake.uploads().length, sent: fake.sent().length };
    await say(MEMBER, `党费 导出 ${year}`, 'om_files_export_2');
    expect(fake.uploads()).toHaveLength(before.uploads);
    const answer = fake.sent().slice(before.sent);
    expect(answer.map((m) => [m.receiveId, m.msgType])).toEqual([[MEMBER, 'text']]);
    expect((answer[0]!.content as { text: string }).text).toContain('仅书记、会计、出纳可用');
  });

  it('a tapped 导出 button answers with a toast and sends the file as a message', async () => {
    const before = fake.uploads().length;
    const token = signAction({ command: `党费 导出 ${year}`, userId: TREASURER, expiresAt: new Date(Date.now() + 600_000) }, bot.runtime.config.serverKey);
    const res = await bot.runtime.app.request('/feishu/cards', feishuRequest(
      buildCardAction({ token: TOKEN, tenantKey: TENANT, eventId: 'ev_files_tap', value: { a: token }, operatorOpenId: TREASURER }), KEY));
    const body = (await res.json()) as { toast: { content: string }; card?: unknown };
    expect(body.toast.content).toContain('正在发送');
    expect(body.card).toBeUndefined();
    await bot.runtime.deferrer.settle();
    await bot.drain();
    expect(fake.uploads()).toHaveLength(before + 1);
    expect(fake.sent().at(-1)).toMatchObject({ receiveId: TREASURER, msgType: 'file', content: { file_key: fake.uploads().at(-1)!.fileKey } });
  });

  it('retries a failed upload without sending anything, and fails for good on a pruned file', async () => {
    const content = Buffer.alloc(256 * 1024, 'xlsx bytes, any will do. ');
    const reply = await fileReply(bot.handle.db, { tenantId, fileName: '台账 2026.xlsx', content, now: new Date(), caption: '已导出。' });
    expect(reply.fileName).toBe('台账_2026.xlsx');
    const log = memoryLogger('debug');
    const s = createFeishuSender({
      config: { appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, verificationToken: TOKEN, baseUrl: fake.baseUrl, mode: 'webhook' },
      log, serverKey: 'k', files: fileSource(bot.handle.db),
    });
    const row = { id: 1, recipient: { platform: 'feishu' as const, kind: 'chat' as const, id: 'oc_files_group', tenantKey: TENANT }, reply, dedupeKey: 'files:retry' };
    const sentBefore = fake.sent().length;
    fake.failNextUpload();
    expect(await s.send([row])).toEqual([expect.objectContaining({ ok: false, retryable: true })]);
    expect(fake.sent()).toHaveLength(sentBefore);
    // The SDK logs the failed request; the file's bytes stay out of the log.
    expect(log.lines.some((l) => l.includes('lark sdk'))).toBe(true);
    expect(Math.max(...log.lines.map((l) => l.length))).toBeLessThan(20_000);
    expect(log.lines.join('\n')).not.toContain('any will do');
    expect(redact({ config: { data: { _streams: [content] } } })).toEqual({ config: { data: { _streams: [`[${256 * 1024} bytes]`] } } });
    expect(await s.send([row])).toEqual([{ ok: true }]);
    const [caption, file] = fake.sent().slice(sentBefore);
    expect(caption).toMatchObject({ receiveIdType: 'chat_id', receiveId: 'oc_files_group', msgType: 'text', uuid: feishuUuid('files:retry:caption') });
    expect(file).toMatchObject({ msgType: 'file', uuid: feishuUuid('files:retry') });
    expect(fake.uploads().at(-1)!.content.equals(content)).toBe(true);

    const gone = { ...row, reply: { ...reply, fileId: 999_999 }, dedupeKey: 'files:gone' };
    expect(await s.send([gone])).toEqual([{ ok: false, retryable: false, error: 'feishu: file 999999 is no longer stored' }]);
    s.close();
  });

  it('uploads the same bytes through the fetch-based HTTP client the Worker uses', async () => {
    const content = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from([0, 255, 13, 10, 45, 45, 0])]);
    const reply = await fileReply(bot.handle.db, { tenantId, fileName: 'w.xlsx', content, now: new Date() });
    const s = createFeishuSender({
      config: { appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, verificationToken: TOKEN, baseUrl: fake.baseUrl, mode: 'webhook' },
      log: memoryLogger('silent'), serverKey: 'k', files: fileSource(bot.handle.db), httpInstance: fetchHttpInstance(),
    });
    const row = { id: 2, recipient: { platform: 'feishu' as const, kind: 'user' as const, id: TREASURER, tenantKey: TENANT }, reply, dedupeKey: 'files:fetch' };
    expect(await s.send([row])).toEqual([{ ok: true }]);
    expect(fake.uploads().at(-1)).toMatchObject({ fileName: 'w.xlsx', fileType: 'xls' });
    expect(fake.uploads().at(-1)!.content.equals(content)).toBe(true);
    expect(fake.sent().at(-1)).toMatchObject({ msgType: 'file', receiveId: TREASURER });
    s.close();
  });

  it('prunes stored files after a week when a new one is stored', async () => {
    const db = bot.handle.db;
    const now = new Date();
    await fileReply(db, { tenantId, fileName: 'old.xlsx', content: Buffer.from('old'), now: new Date(now.getTime() - 8 * 86_400_000) });
    expect((await db.select({ n: exportFiles.fileName }).from(exportFiles)).map((r) => r.n)).toContain('old.xlsx');
    await fileReply(db, { tenantId, fileName: 'new.xlsx', content: Buffer.from('new'), now });
    const names = (await db.select({ n: exportFiles.fileName }).from(exportFiles)).map((r) => r.n);
    expect(names).toContain('new.xlsx');
    expect(names).not.toContain('old.xlsx');
  });
});
