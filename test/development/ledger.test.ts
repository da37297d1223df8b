import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, developmentSteps, outbox } from '../../db/schema/index.ts';
import { LEDGER_HEADERS, LEDGER_SHEET, STEPS_SHEET, STEP_HEADERS } from '../../src/development/export.ts';
import { deliveredWorkbook } from '../helpers/exports.ts';
import { createTestBot, type TestBot } from '../helpers/runtime.ts';
import { DATES, ask, memberNamed } from './helpers.ts';

const XIZE = (art: string) => `依据：《中国共产党发展党员工作细则》第${art}条`;
const DANGZHANG = '依据：《中国共产党章程》第五条';

let bot: TestBot;
const say = (as: string, text: string) => ask(bot, as, text);
/** 李四 (组织委员) records a step of 王五's; the reply. */
const rec = (text: string) => say('李四', `发展 登记 王五 ${text}`);

beforeAll(async () => {
  bot = await createTestBot({ now: '2027-08-20T10:00:00+08:00' });
  await say('管理员', '支部 新建 第一党支部');
  await say('管理员', '支部 新建 第二党支部');
  for (const line of [
    '张三 身份:正式党员 职务:书记', '李四 身份:正式党员 职务:组织委员', '赵六 身份:正式党员', '孙七 身份:预备党员',
    '王五 身份:群众 出生日期:2000-05-01', '钱八 身份:群众 出生日期:2008-02-29',
  ]) await say('管理员', `成员 添加 ${line} 支部:第一党支部`);
  await say('管理员', '成员 添加 周九 身份:正式党员 职务:书记 支部:第二党支部');
  await say('张三', '我的信息');
});
afterAll(() => bot.close());

describe('发展 登记: the whole way from 申请 to 转正, refusing what the rules forbid', () => {
  it('stage 1–3: dependencies, the one-year rule, 介绍人, training', async () => {
    expect(await rec('确定积极分子 2024-09-10')).toBe(
      `不能登记③推荐和确定入党积极分子：须先完成第2步「党组织派人谈话」，才能进行第3步「推荐和确定入党积极分子」。\n依据：《中国共产党发展党员工作细则》`);
    expect(await rec(`递交申请书 ${DATES[1]}`)).toContain('身份：群众 → 入党申请人');
    expect(await rec(`谈话 2024-02-28`)).toContain('不能早于第1步「递交入党申请书」的日期（2024-03-01）');
    expect(await rec(`谈话 ${DATES[2]} 谈话人:张三`)).toContain('②党组织派人谈话　2024-03-20（经办：张三；材料：谈话记录）');
    expect(await rec(`谈话 2024-03-25`)).toContain('已于2024-03-20记录，不能重复记录');
    expect(await rec(`确定积极分子 ${DATES[3]}`)).toContain('身份：入党申请人 → 入党积极分子');
    for (const n of [4, 5, 6]) expect(await rec(`${n} ${DATES[n]}${n === 5 ? ' 联系人:赵六' : ''}`)).toContain('【已登记 · 王五】');
    const early = await rec('确定发展对象 2025-09-09');
    expect(early).toContain('入党积极分子须经过一年以上培养教育和考察，最早于2025-09-10列为发展对象。');
    expect(early).toContain(XIZE('十三'));
    expect(await rec(`确定发展对象 ${DATES[7]}`)).toContain('身份：入党积极分子 → 发展对象');
    expect(await rec(`${8} ${DATES[8]}`)).toContain('⑧报上级党委备案');

    const intro = (list: string) => rec(`介绍人 ${DATES[9]} 介绍人:${list}`);
    expect(await rec(`介绍人 ${DATES[9]}`)).toBe(`不能登记⑨确定入党介绍人：发展对象应当有两名正式党员作入党介绍人，现为0名。\n${DANGZHANG}\n`
      + '例如：发展 登记 王五 介绍人 2025-09-15 介绍人:张三,李四');
    expect(await intro('张三')).toContain('现为1名');
    expect(await intro('张三,孙七')).toBe(`不能登记⑨确定入党介绍人：入党介绍人须为正式党员，其中一人为预备党员。\n${DANGZHANG}`);
    expect(await intro('张三、张三')).toContain('两名入党介绍人不能是同一人。');
    expect(await intro('张三,王五')).toBe('入党介绍人不能是发展对象本人。');
    expect(await intro('张三,无名氏')).toContain('没有找到成员“无名氏”');
    expect(await intro('张三，李四')).toContain('介绍人：张三、李四');

    expect(await rec(`政审 ${DATES[10]} 材料:政审结论,函调材料`)).toContain('材料：政审结论、函调材料');
    expect(await rec(`集中培训 ${DATES[11]} 培训:2天`)).toBe(
      `不能登记⑪开展集中培训：集中培训一般不少于三天（或不少于二十四个学时），本次为2天。\n${XIZE('十七')}`);
    expect(await rec(`集中培训 ${DATES[11]} 培训:23学时`)).toContain('本次为23学时');
    expect(await rec(`集中培训 ${DATES[11]} 培训:三天`)).toContain('“培训”应写明天数或学时，例如 培训:3天 或 培训:24学时');
    expect(await rec(`集中培训 ${DATES[11]} 培训:24学时`)).toContain('培训：24学时');
  });

  it('stage 4: the 支部大会 vote with quorum, and 预备党员 from the 支部大会 date on approval', async () => {
    for (const n of [12, 13, 14]) expect(await rec(`${n} ${DATES[n]}`)).toContain('【已登记 · 王五】');
    expect(await rec(`支部大会 ${DATES[15]} 应到:10 实到:5 赞成:5`)).toBe('不能登记⑮支部大会讨论：有表决权的到会人数必须超过应到会有表决权人数'
      + `的半数（预备党员没有表决权）：应到10人，实到5人，会议不能表决。\n${XIZE('二十')}`);
    expect(await rec(`支部大会 ${DATES[15]} 应到:10 实到:6 赞成:5`)).toContain(`应到10人，赞成5人，决议未通过。\n${XIZE('二十一')}`);
    expect(await rec(`支部大会 ${DATES[15]} 实到:3`)).toContain('表决情况请写明实到人数和赞成人数');
    expect(await rec(`支部大会 ${DATES[15]}`)).toContain('请提供表决情况');
    // 应到 defaults to the branch's 正式党员: 张三, 李四, 赵六 (孙七 is 预备党员, 周九 in another branch).
    const meeting = await rec(`支部大会 ${DATES[15]} 实到:2 赞成:2`);
    expect(meeting).toContain('表决：应到3人，实到2人，赞成2人');
    expect(meeting).toContain('预备期：2026-01-31 至 2027-01-31');
    expect(await rec(`16 ${DATES[16]}`)).toContain('⑯上级党委派人谈话');

    const approved = await rec(`审批 ${DATES[17]}`);
    expect(approved).toContain('身份：发展对象 → 预备党员');
    expect(approved).toContain('转为预备党员：2026-01-31（支部大会通过之日），预备期和党费均自该日起计算');
    const wang = await memberNamed(bot, '王五');
    expect(wang).toMatchObject({ status: '预备党员', statusSince: DATES[17], probationarySince: '2026-01-31' });
    const audit = await bot.handle.db.select().from(auditLog)
      .where(and(eq(auditLog.entity, 'member'), eq(auditLog.entityId, String(wang.id)), eq(auditLog.action, 'update')));
    expect(audit.map((a) => (a.after as { status: string }).status)).toEqual(['入党申请人', '入党积极分子', '发展对象', '预备党员']);
    const li = await memberNamed(bot, '李四');
    expect(audit.every((a) => a.actor === `member:${li.id}`)).toBe(true);
    await bot.drain();
    expect(bot.outputs.filter((o) => o.startsWith('[发给 张三]') && o.includes('王五身份由“发展对象”变为“预备党员”'))).toHaveLength(1);
  });

  it('stage 5: 转正 only when the 预备期 ends (month end), one extension of 6–12 months, 党龄 from its end', async () => {
    for (const n of [18, 19, 20, 21, 22]) expect(await rec(`${n} ${DATES[n]}`)).toContain('【已登记 · 王五】');
    const vote = '应到:3 实到:3 赞成:3';
    expect(await rec(`转正 2027-01-30 ${vote}`)).toBe(
      `不能登记㉓支部大会讨论转正：预备期从支部大会通过之日算起，至2027-01-31期满，期满后方可讨论转正。\n${XIZE('三十二')}`);
    expect(await rec(`转正 2027-01-31 ${vote} 延长:13个月`)).toContain('延长预备期不能少于半年，最长不超过一年（6至12个月），现为13个月。');
    expect(await rec(`转正 2027-01-31 ${vote} 延长:5个月`)).toContain('现为5个月');
    const extended = await rec(`转正 2027-01-31 ${vote} 延长:半年`);
    expect(extended).toContain('延长预备期6个月');
    expect(extended).toContain('预备期：2026-01-31 至 2027-07-31');
    expect(await rec('转正审批 2027-03-01')).toContain('支部大会已决定延长预备期6个月，期满后须再次召开支部大会讨论转正。');
    expect(await rec(`转正 2027-07-30 ${vote}`)).toContain('至2027-07-31期满');
    expect(await rec(`转正 2027-07-31 ${vote} 延长:6个月`)).toContain(`预备期只能延长一次。\n${XIZE('三十二')}`);
    expect(await rec(`转正 2027-07-31 ${vote}`)).toContain('㉓支部大会讨论转正　2027-07-31');
    const full = await rec('转正审批 2027-08-10');
    expect(full).toContain('身份：预备党员 → 正式党员');
    expect(full).toContain('转为正式党员：2027-07-31（预备期满之日），党龄自该日起计算');
    expect(await memberNamed(bot, '王五')).toMatchObject({ status: '正式党员', fullSince: '2027-07-31', probationarySince: '2026-01-31' });
    expect(await rec('归档 2027-08-20')).toContain('㉕材料归档');
  });

  it('refuses future dates, options on the wrong step, unknown steps, and anyone but the branch 书记 or 组织委员', async () => {
    expect(await say('李四', '发展 登记 钱八 递交申请书 2027-08-21')).toBe('①递交入党申请书的日期（2027-08-21）晚于今天，只能登记已经完成的步骤。');
    expect(await say('李四', '发展 登记 钱八 递交申请书 2026-03-01 培训:3天')).toBe('“培训”只用于⑪开展集中培训，①递交入党申请书不需要。');
    expect(await say('李四', '发展 登记 钱八 入党 2026-03-01')).toContain('没有“入党”这个步骤');
    expect(await say('赵六', '发展 登记 钱八 递交申请书 2026-03-01')).toBe('“发展 登记”：该命令仅书记、组织委员可用。');
    expect(await say('周九', '发展 登记 钱八 递交申请书 2026-03-01')).toBe('您只能处理本支部的事务。');
    expect(await bot.handle.db.select().from(developmentSteps).where(eq(developmentSteps.memberId, (await memberNamed(bot, '钱八')).id))).toEqual([]);
  });

  it('年满十八岁 for someone born on 29 February: 28 February of a common year', async () => {
    bot.setNow('2026-02-27T10:00:00+08:00');
    expect(await say('李四', '发展 登记 钱八 递交申请书')).toBe(
      `不能登记①递交入党申请书：申请入党须年满十八岁：申请人出生于2008-02-29，2026-02-28起方可递交入党申请书。\n${XIZE('五')}`);
    bot.setNow('2026-02-28T10:00:00+08:00');
    expect(await say('李四', '发展 登记 钱八 递交申请书')).toContain('①递交入党申请书　2026-02-28');
  });

  it('takes back the last step and the status it gave', async () => {
    expect(await say('李四', '发展 撤销 钱八')).toBe('已撤销钱八的①递交入党申请书（2026-02-28）。身份已由“入党申请人”恢复为“群众”。');
    expect(await say('李四', '发展 撤销 钱八')).toBe('钱八还没有发展党员步骤记录。');
    const [undo] = await bot.handle.db.select().from(auditLog).where(eq(auditLog.action, 'development.undo'));
    expect(undo!.before).toMatchObject({ step: 1, date: '2026-02-28' });
  });
});

describe('reading the ledger', () => {
  beforeAll(() => bot.setNow('2027-08-20T10:00:00+08:00'));

  it('shows one timeline to its owner and the branch officers only, in private', async () => {
    const mine = await say('王五', '发展');
    expect(mine).toContain('【发展党员记录 · 王五】');
    expect(mine).toContain('一、入党申请\n①递交入党申请书　2024-03-01（材料：入党申请书）');
    expect(mine).toContain('⑨确定入党介绍人　2025-09-15（介绍人：张三、李四；材料：入党介绍人名单）');
    expect(mine).toContain('㉓支部大会讨论转正　2027-01-31（表决：应到3人，实到3人，赞成3人；延长预备期6个月；');
    expect(mine).toContain('预备期：2026-01-31 至 2027-07-31');
    expect(mine).toContain('转为正式党员：2027-07-31');
    expect(await say('张三', '发展 王五')).toBe(mine);
    expect(await say('赵六', '发展 王五')).toBe('发展党员记录仅本人和书记、副书记、组织委员可以查看。');
    expect(await say('周九', '发展 王五')).toBe('您只能处理本支部的事务。');
    expect(await bot.say('张三', '发展 王五', { group: '支部群' })).toBe('“发展”：该命令请在与机器人的私聊中使用。');
  });

  it('lists the branch with each open time limit', async () => {
    bot.setNow('2026-02-28T10:00:00+08:00');
    await say('李四', '发展 登记 钱八 递交申请书');
    // One month from 2026-02-28 is 2026-03-28; the day after, the talk is overdue.
    bot.setNow('2026-03-29T10:00:00+08:00');
    const ledger = await say('张三', '发展 台账');
    expect(ledger).toContain('【第一党支部 · 发展党员台账】');
    expect(ledger).toContain('入党申请人（1人）\n钱八　最近：①递交入党申请书 2026-02-28　【逾期】入党申请书于2026-02-28递交，已超过一个月仍未派人谈话。');
    expect(ledger).toContain('预备党员（1人）\n孙七　尚无步骤记录');
    expect(ledger).toContain('正式党员（1人）\n王五　最近：㉕材料归档 2027-08-20');
    expect(ledger).toContain('共3人，其中1人有逾期事项。');
    bot.setNow('2026-03-28T10:00:00+08:00');
    expect(await say('张三', '发展 台账')).toContain('钱八　最近：①递交入党申请书 2026-02-28　【临近】入党申请书于2026-02-28递交，请于2026-03-28前派人谈话。');
    expect(await say('赵六', '发展 台账')).toContain('仅书记、副书记、组织委员可用');
    bot.setNow('2026-03-29T10:00:00+08:00');
  });

  it('sends the .xlsx in the usual columns, and it reads back', async () => {
    // Through the outbox and the console sender, as a chat platform would deliver it.
    const refused = await bot.say('赵六', '发展 导出');
    expect(refused).toContain('仅书记、副书记、组织委员可用');
    expect(refused).not.toContain('[文件]');
    const reply = await bot.say('李四', '发展 导出');
    expect(reply).toContain('已导出第一党支部发展党员台账：共3人（预备党员1人、正式党员1人、入党申请人1人），27条步骤记录。');
    const { name, workbook: wb } = await deliveredWorkbook(reply);
    expect(name).toBe('发展党员台账_第一党支部_2026-03-29.xlsx');
    const values = (sheet: string, row: number) => (wb.getWorksheet(sheet)!.getRow(row).values as unknown[]).slice(1);
    expect(values(LEDGER_SHEET, 1)).toEqual(LEDGER_HEADERS);
    const wang = Object.fromEntries(LEDGER_HEADERS.map((h, i) => [h, values(LEDGER_SHEET, 3)[i] ?? '']));
    const qian = Object.fromEntries(LEDGER_HEADERS.map((h, i) => [h, values(LEDGER_SHEET, 4)[i] ?? '']));
    expect(values(LEDGER_SHEET, 2).slice(0, 5)).toEqual([1, '孙七', '', '', '预备党员']);
    expect(wang).toMatchObject({
      序号: 2, 姓名: '王五', 出生日期: '2000-05-01', 当前身份: '正式党员', '①递交入党申请书': '2024-03-01',
      '⑮支部大会讨论': '2026-01-31', '㉓支部大会讨论转正': '2027-01-31、2027-07-31', 入党介绍人: '张三、李四', 培养联系人: '赵六',
      预备期满: '2027-07-31', 转正日期: '2027-07-31', 时间节点: '',
    });
    expect(qian).toMatchObject({ 姓名: '钱八', 当前身份: '入党申请人', '②党组织派人谈话': '', 时间节点: expect.stringContaining('【逾期】') });
    expect(values(STEPS_SHEET, 1)).toEqual(STEP_HEADERS);
    expect(wb.getWorksheet(STEPS_SHEET)!.rowCount).toBe(1 + 27);
    expect(values(STEPS_SHEET, 2).slice(0, 6)).toEqual(['王五', '入党申请', '①递交入党申请书', '2024-03-01', '', '入党申请书']);
    const notices = await bot.handle.db.select().from(outbox).where(like(outbox.dedupeKey, 'talk-suggest:%'));
    expect(notices.length).toBeGreaterThan(0);
  });
});
