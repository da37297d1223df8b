import { allJobs } from '../cron/index.ts';
import { jobStatus } from '../cron/runner.ts';
import { command } from '../src/bot/command.ts';
import { formatDateTime } from '../src/bot/time.ts';

const OUTCOME: Record<string, string> = { ok: '成功', error: '出错', running: '运行中' };

export const jobList = command({
  name: '任务 列表',
  aliases: ['jobs'],
  access: 'admin',
  help: '查看定时任务及其上次、下次运行时间',
  run: async (_input, ctx) => {
    const rows = await jobStatus(ctx.db, allJobs, ctx.now, ctx.tz);
    const fields = rows.map((r) => {
      const last = r.lastRun
        ? `上次 ${formatDateTime(r.lastRun.slot, ctx.tz)} ${OUTCOME[r.lastRun.outcome] ?? r.lastRun.outcome}`
        : '尚未运行';
      const next = r.nextSlot ? `下次 ${formatDateTime(r.nextSlot, ctx.tz)}` : '无下次';
      return { label: `${r.description}（${r.name}）`, value: `${last}；${next}` };
    });
    return { kind: 'card', title: '定时任务', fields };
  },
});

export const jobCommands = [jobList];
