/**
 * @mentions resolved to members on a real platform (Feishu here): a mention carries the account's
 * open_id, which is bound to one member; the name typed after `@` is only a label.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { branches, identities, members } from '../../db/schema/index.ts';
import type { ChatMessage, PlatformUser } from '../../src/bot/types.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { recordingSender, type RecordingSender } from '../notify/fixtures.ts';

const TENANT = 'tk_mentions';

describe('@mentions resolve to the member bound to the mentioned account', () => {
  let bot: TestBot;
  let feishu: RecordingSender;
  beforeAll(async () => {
    feishu = recordingSender('feishu');
    bot = await createTestBot({ env: { BOT_ADMINS: 'feishu:ou_admin' }, senders: [feishu] });
  });
  afterAll(() => bot.close());

  /** `from` writes `text` in a private chat (or `group`), mentioning `mentions`; returns the replies. */
  async function say(from: string, text: string, mentions: PlatformUser[] = [], group?: string): Promise<string> {
    const msg: ChatMessage = {
      platform: 'feishu', tenantKey: TENANT, messageId: `om_${randomUUID()}`,
      chat: group ? { id: group, kind: 'group' } : { id: `oc_dm_${from}`, kind: 'private' },
      sender: { userId: from }, text, mentions, receivedAt: bot.now(),
    };
    const before = feishu.sent.length;
    await bot.runtime.ingest(msg);
    await bot.runtime.deferrer.settle();
    await bot.runtime.processPending();
    await bot.drain();
    return feishu.sent.slice(before).map((o) => {
      const r = o.reply;
      if (r.kind === 'text') return r.text;
      if (r.kind !== 'card') return '';
      return [r.title, r.text ?? '', ...(r.fields ?? []).map((f) => `${f.label}：${f.value}`)].join('\n');
    }).join('\n');
  }

  const zhang = { userId: 'ou_zhang', name: '张三' };
  const li = { userId: 'ou_li', name: '李四' };

  it('成员 添加 @张三 binds the mentioned account to the new member', async () => {
    expect(await say('ou_admin', '支部 新建 第一党支部')).toContain('已新建“第一党支部”');
    expect(await say('ou_admin', '支部 新建 第二党支部')).toContain('已新建“第二党支部”');
    expect(await say('ou_admin', '成员 添加 @张三 身份:正式党员 职务:书记 支部:第一党支部', [zhang], 'oc_g1'))
      .toContain('已将“张三”添加到“第一党支部”');
    const [bound] = await bot.handle.db.select({ name: members.name }).from(identities)
      .innerJoin(members, eq(members.id, identities.memberId)).where(eq(identities.userId, 'ou_zhang'));
    expect(bound?.name).toBe('张三');
    expect(await say('ou_zhang', '我的信息')).toContain('姓名：张三');
  });

  it('an unbound mention is refused with how to bind it, never guessed from the name', async () => {
    await say('ou_admin', '成员 添加 李四 身份:预备党员 支部:第二党支部');
    await say('ou_zhang', '成员 添加 李四 身份:预备党员');
    const reply = await say('ou_zhang', '成员 设置 @李四 身份:正式党员 转正日期:2026-11-30', [li], 'oc_g1');
    expect(reply).toContain('@李四 的账号还没有绑定党员信息');
    expect(reply).toContain('成员 绑定 @李四');
    const statuses = await bot.handle.db.select({ status: members.status }).from(members).where(eq(members.name, '李四'));
    expect(statuses.map((s) => s.status)).toEqual(['预备党员', '预备党员']);
  });

  it('once bound, @李四 is the 李四 of that account, not the namesake in another branch', async () => {
    expect(await say('ou_zhang', '成员 绑定 @李四 李四', [li], 'oc_g1')).toContain('已将 @李四 的账号绑定到成员“李四”');
    expect(await say('ou_zhang', '成员 设置 @李四 身份:正式党员 转正日期:2026-11-30', [li], 'oc_g1')).toContain('已更新“李四”');
    const rows = await bot.handle.db.select({ branch: branches.name, status: members.status }).from(members)
      .innerJoin(branches, eq(branches.id, members.branchId)).where(eq(members.name, '李四')).orderBy(branches.name);
    expect(rows).toEqual([{ branch: '第一党支部', status: '正式党员' }, { branch: '第二党支部', status: '预备党员' }]);
    const [id] = await bot.handle.db.select().from(identities)
      .where(and(eq(identities.platform, 'feishu'), eq(identities.userId, 'ou_li')));
    expect(id).toBeDefined();
  });

  it('one account cannot be bound to two members', async () => {
    expect(await say('ou_zhang', '成员 绑定 @李四 张三', [li], 'oc_g1')).toContain('@李四 的账号已绑定其他成员');
  });
});
