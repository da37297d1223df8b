/**
 * Anonymous identities and secrets, across everything the system produces: a member writes
 * anonymously (匿名谈心 and an anonymous 职工诉求), the secretary answers, the appeal is handled to
 * the end, ledgers, statistics, summaries and exports are made (and, in the slow run, every job runs
 * at several instants) — and the writer's name and account appear in no log line, no message to
 * anyone else, no export and no summary, and no secret appears anywhere.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appeals, auditLog, inbox, jobRuns, outbox } from '../../../db/schema/index.ts';
import { allJobs } from '../../../cron/index.ts';
import { runJob } from '../../../cron/runner.ts';
import { findLeaks, replyText } from './invariants.ts';
import { ANON_WRITER, createWorld, GROUP_1, SECRET_VALUES, type World } from './world.ts';

const MARK_TALK = 'ANONMARK7431';
const MARK_APPEAL = 'ANONMARK9902';

async function workbookText(file: string): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const cells: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.text ?? '')))));
  return cells.join('\t');
}

/** The whole anonymous scenario and its scans; `withJobs` also runs every job at several instants. */
export function anonymitySuite(withJobs: boolean): void {
  describe(`anonymous identities and secrets never leak${withJobs ? ', with every job run' : ''}`, () => {
    let world: World;
    let writerId: number;
    let appealNo = '';

    beforeAll(async () => {
      world = await createWorld();
      writerId = world.memberIds[ANON_WRITER]!;
      const writer = world.persona('anon-writer');
      const chief = world.persona('书记');
      const say = async (p = chief, text: string, group?: string) => replyText((await world.send(p, text, group ? { group } : {})).reply);

      expect(await say(writer, `匿名 ${MARK_TALK} 最近对岗位调整有些想法`)).toContain('已匿名转给支部书记');
      const submitted = await say(writer, `诉求 匿名 安全生产 ${MARK_APPEAL} 三号车间的灭火器已过期`);
      appealNo = /SQ-\d{4}-\d{4}/.exec(submitted)?.[0] ?? '';
      expect(appealNo, submitted).not.toBe('');

      await say(chief, '回复 匿名#1 谢谢你的信任，欢迎随时再聊');
      await say(chief, `诉求 受理 ${appealNo}`);
      await say(chief, `诉求 询问 ${appealNo} 请说明是哪几个灭火器`);
      await say(writer, `诉求 补充 ${appealNo} 东侧两个`);
      await say(chief, `诉求 办结 ${appealNo} 已全部更换`);
      await say(writer, `诉求 评价 ${appealNo} 5 很及时`);
      for (const text of ['诉求 台账', '诉求 统计', '诉求 导出 2026-12', '周报', '月报', '谈话 覆盖']) await say(chief, text);
      await say(chief, '周报 预览', GROUP_1);
      const instants = withJobs ? ['2026-12-04T17:00:00+08:00', '2026-12-07T09:00:00+08:00', '2026-12-10T09:00:00+08:00',
        '2027-01-02T09:00:00+08:00', '2027-01-05T09:00:00+08:00'] : [];
      for (const at of instants) {
        world.bot.setNow(at);
        for (const job of allJobs) {
          await runJob(job, new Date(at), { db: world.db, tz: 'Asia/Shanghai', log: world.bot.log, config: world.bot.runtime.config });
        }
      }
      await world.bot.drain();
    });
    afterAll(() => world?.close());

    it('the appeal is stored without its submitter, and the audit never names them for anonymous acts', async () => {
      const [a] = await world.db.select().from(appeals).where(eq(appeals.number, appealNo));
      expect(a!.submitterId).toBeNull();
      const audits = await world.db.select().from(auditLog);
      const anonymousActs = audits.filter((r) => JSON.stringify(r).includes(MARK_APPEAL) || JSON.stringify(r).includes(MARK_TALK)
        || r.actor === 'anonymous');
      expect(anonymousActs.length).toBeGreaterThan(0);
      expect(anonymousActs.filter((r) => r.actor === `member:${writerId}`
        || new RegExp(`"(?:submitterId|memberId|member_id)":${writerId}\\b`).test(JSON.stringify([r.before, r.after])))).toEqual([]);
    });

    it('no log line names the writer, holds what they wrote, or carries a secret', () => {
      const lines = world.bot.log.lines;
      expect(lines.length).toBeGreaterThan(0);
      expect(findLeaks(lines, [ANON_WRITER, MARK_TALK, MARK_APPEAL, ...SECRET_VALUES, world.bot.runtime.config.serverKey])).toEqual([]);
    });

    it('no message to anyone else names the writer; none to anyone carries a secret', async () => {
      const rows = await world.db.select().from(outbox);
      const toOthers = rows.filter((r) => r.recipient.id !== ANON_WRITER).map((r) => replyText(r.reply) + JSON.stringify(r.reply));
      // The secretary did get the message, and once delivered its row keeps neither text nor recipient.
      expect(world.bot.outputs.some((o) => !o.startsWith(`[发给 ${ANON_WRITER}]`) && o.includes(MARK_TALK))).toBe(true);
      expect(rows.filter((r) => JSON.stringify(r).includes(MARK_TALK))).toEqual([]);
      // Rosters (who has had no talk this year) may name them; nothing about the anonymous acts may.
      const aboutAnonymous = toOthers.filter((t) => [MARK_TALK, MARK_APPEAL, appealNo, '匿名'].some((m) => t.includes(m)));
      expect(aboutAnonymous.length).toBeGreaterThan(2);
      expect(findLeaks(aboutAnonymous, [ANON_WRITER])).toEqual([]);
      expect(findLeaks(rows.map((r) => JSON.stringify([r.reply, r.lastError])), [...SECRET_VALUES, world.bot.runtime.config.serverKey])).toEqual([]);
      // The console shows what was delivered: the same holds there.
      const shown = world.bot.outputs.filter((o) => !o.startsWith(`[发给 ${ANON_WRITER}]`) && [MARK_TALK, MARK_APPEAL, appealNo, '匿名'].some((m) => o.includes(m)));
      expect(findLeaks(shown, [ANON_WRITER])).toEqual([]);
    });

    it('no export names the writer or holds a secret', async () => {
      const files = readdirSync(world.exportsDir, { recursive: true }).map(String).filter((f) => f.endsWith('.xlsx'));
      expect(files.length).toBeGreaterThan(0);
      const texts = await Promise.all(files.map((f) => workbookText(join(world.exportsDir, f))));
      expect(texts.some((t) => t.includes(appealNo))).toBe(true);
      expect(findLeaks(texts, [ANON_WRITER, ...SECRET_VALUES])).toEqual([]);
    });

    it('processed messages are not kept; error columns carry no secret', async () => {
      const kept = await world.db.select().from(inbox).where(isNotNull(inbox.message));
      expect(kept.filter((r) => r.status !== 'received')).toEqual([]);
      const errors = [
        ...(await world.db.select({ e: inbox.error }).from(inbox)).map((r) => r.e ?? ''),
        ...(await world.db.select({ e: jobRuns.error }).from(jobRuns)).map((r) => r.e ?? ''),
      ];
      expect(findLeaks(errors, [...SECRET_VALUES, ANON_WRITER, MARK_APPEAL])).toEqual([]);
    });
  });
}
