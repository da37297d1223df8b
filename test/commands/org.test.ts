import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditLog, branches, chats, members } from '../../db/schema/index.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { runJob } from '../../cron/runner.ts';
import { loadConfig } from '../../src/config.ts';

describe('organisation commands through the console', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await createTestBot();
  });
  afterAll(() => bot.close());

  it('lets a BOT_ADMINS console user build a branch from an empty database (issue #2 acceptance)', async () => {
    expect(await bot.say('管理员', '支部 新建 第一党支部')).toContain('已新建“第一党支部”');
    expect(await bot.say('管理员', '成员 添加 张三 身份:正式党员 职务:书记 支部:第一党支部'))
      .toContain('已将“张三”添加到“第一党支部”，身份：正式党员，职务：书记');
    expect(await bot.say('管理员', '我的信息')).toContain('您是管理员');
    const help = await bot.say('管理员', '帮助');
    expect(help).toContain('支部 新建');
    expect(help).toContain('成员 添加');
  });

  it('binds a console user to the member of the same name', async () => {
    const me = await bot.say('张三', '我的信息');
    expect(me).toContain('姓名：张三');
    expect(me).toContain('所在支部：第一党支部');
    expect(me).toContain('职务：书记');
  });

  it('lists only the commands the asker may run', async () => {
    await bot.say('张三', '成员 添加 李四 身份:预备党员');
    const help = await bot.say('李四', '帮助');
    expect(help).toContain('我的信息');
    expect(help).not.toContain('支部 新建');
    expect(help).not.toContain('成员 添加');
    const stranger = await bot.say('路人甲', '帮助');
    expect(stranger).not.toContain('成员 列表');
  });

  it('refuses a command the asker may not run, naming who may', async () => {
    expect(await bot.say('李四', '成员 添加 王五')).toContain('仅书记、副书记、组织委员可用');
    expect(await bot.say('张三', '支部 新建 第二党支部')).toContain('仅管理员可用');
  });

  it('answers bad input with what was wrong and the usage', async () => {
    const reply = await bot.say('张三', '成员 设置 李四 身份:党员');
    expect(reply).toContain('身份');
    expect(reply).toContain('用法：成员 设置');
    expect(await bot.say('张三', '党废')).toContain('没有“党废”这个命令');
    expect(await bot.say('张三', '成员 设置 不存在的人 身份:正式党员')).toContain('没有找到成员“不存在的人”');
  });

  it('binds the current group chat to the branch, only in a group and only for the secretaries', async () => {
    expect(await bot.say('张三', '支部 绑定群')).toContain('该命令请在群聊中 @机器人 使用');
    expect(await bot.say('李四', '支部 绑定群', { group: '一支部群' })).toContain('仅书记、副书记可用');
    expect(await bot.say('管理员', '周报 时间 周一 09:00')).toContain('已设置');
    expect(await bot.say('张三', '支部 绑定群', { group: '一支部群' }))
      .toBe('本群已绑定“第一党支部”。每周一 09:00 发送支部工作小结（只含汇总数字，不含个人党费金额），下次：12月7日（周一）09:00；“周报 关闭”可停用。');
    const [chat] = await bot.handle.db.select().from(chats).where(eq(chats.chatId, '一支部群'));
    const [branch] = await bot.handle.db.select().from(branches).where(eq(branches.name, '第一党支部'));
    expect(chat).toMatchObject({ platform: 'console', branchId: branch!.id, summaryEnabled: true });
  });

  it('writes an audit row with before and after in the same transaction as a change', async () => {
    await bot.say('张三', '成员 设置 李四 身份:正式党员 转正日期:2026-06-28');
    const [li] = await bot.handle.db.select().from(members).where(eq(members.name, '李四'));
    expect(li!.status).toBe('正式党员');
    const rows = await bot.handle.db.select().from(auditLog).where(eq(auditLog.entityId, String(li!.id)));
    const update = rows.find((r) => r.action === 'update');
    expect((update!.before as { status: string }).status).toBe('预备党员');
    expect((update!.after as { status: string }).status).toBe('正式党员');
  });

  it('a change whose audit row cannot be written is not made at all', async () => {
    await bot.handle.db.execute(sql`create function test_refuse_audit() returns trigger language plpgsql as
      $$ begin raise exception 'audit refused by the test'; end $$`);
    await bot.handle.db.execute(sql`create trigger test_refuse_audit before insert on audit_log
      for each row execute function test_refuse_audit()`);
    try {
      const reply = await bot.say('张三', '成员 添加 赵九 身份:正式党员');
      expect(reply).toContain('处理这条消息时出现内部错误');
    } finally {
      // Test databases are reused emptied, not dropped: the trigger must not outlive this test.
      await bot.handle.db.execute(sql`drop trigger test_refuse_audit on audit_log`);
      await bot.handle.db.execute(sql`drop function test_refuse_audit()`);
    }
    expect(await bot.handle.db.select().from(members).where(eq(members.name, '赵九'))).toHaveLength(0);
    expect(await bot.say('张三', '成员 添加 赵九 身份:正式党员')).toContain('已将“赵九”添加');
  });

  it('leaves nothing half-written when a command is refused', async () => {
    const before = await bot.handle.db.select().from(members);
    await bot.say('张三', '成员 添加 王五 职务:书记,班长');
    expect(await bot.handle.db.select().from(members)).toHaveLength(before.length);
  });

  it('suggests a talk to the secretary when a status changes', async () => {
    await bot.say('张三', '成员 添加 王五 身份:入党积极分子');
    const out = await bot.say('张三', '成员 设置 王五 身份:发展对象');
    expect(out).toContain('已更新“王五”');
    expect(bot.outputs.join('\n')).toContain('建议开展谈心谈话');
  });
});

describe('admin job list', () => {
  it('shows every scheduled job with its next run, to admins only', async () => {
    const bot = await createTestBot();
    try {
      const list = await bot.say('管理员', '任务 列表');
      expect(list).toContain('【定时任务】');
      expect(list).toContain('inbox-cleanup');
      expect(list).toMatch(/尚未运行；下次 2026-12-0\d 03:30/);
      expect(await bot.say('张三', '任务 列表')).toContain('仅管理员可用');
      await runJob('inbox-cleanup', new Date('2026-12-02T03:30:00+08:00'), { db: bot.handle.db, tz: 'Asia/Shanghai', log: bot.log, config: loadConfig({}) });
      expect(await bot.say('管理员', '任务 列表')).toContain('上次 2026-12-02 03:30 成功；下次 2026-12-03 03:30');
    } finally {
      await bot.close();
    }
  });
});
