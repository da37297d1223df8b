/**
 * Two instances on one database, the heavy part: the branch is filled by running every command's
 * examples, then both instances fire every job of the schedule table at the same instants (each
 * slot runs once) and one runs it again a second later (catch-up, `--force`): no person is told the
 * same thing twice. And concurrent corrections of a meeting record lose no update.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetings, outbox } from '../../../db/schema/index.ts';
import type { DbHandle } from '../../../db/client.ts';
import { allJobs } from '../../../cron/index.ts';
import { runJob, slotOf } from '../../../cron/runner.ts';
import type { ChatMessage } from '../../../src/bot/types.ts';
import { secondInstance } from '../../notify/fixtures.ts';
import { recordFigures } from '../support/figures.ts';
import { raceOnTwo } from '../support/race.ts';
import { simClock, startService, type Service } from '../support/service.ts';
import { allCommands, examplesOf, rightfulPersona } from '../support/sweep.ts';
import { chatMessage, createWorld, GROUP_1, type World } from '../support/world.ts';

describe('two instances firing the same jobs, and concurrent corrections', () => {
  const clock = simClock('2026-12-02T10:00:00+08:00');
  let world: World;
  let a: Service;
  let b: Service;
  let second: DbHandle;

  beforeAll(async () => {
    world = await createWorld();
    second = await secondInstance(world.bot.handle as DbHandle & { url?: string });
    a = await startService({ handle: world.bot.handle, clock, keepDb: true });
    b = await startService({ handle: second, clock, keepDb: true });
    // Give the jobs something to remind about: every command's example, run by its rightful persona.
    for (const cmd of allCommands()) {
      const p = rightfulPersona(world, cmd);
      for (const text of examplesOf(cmd)) await world.send(p, text, cmd.chat === 'group' ? { group: GROUP_1 } : {});
    }
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await second?.close();
    await world?.close();
  });

  /** Outbox rows as dedupe key → what the person receives (recipient and content). */
  const messages = async () => new Map((await world.db.select().from(outbox))
    .map((r) => [r.dedupeKey, JSON.stringify([r.recipient, r.reply])] as const));

  it('every job fired by both instances at the same slots runs once per slot; running it again a second later repeats no message', async () => {
    const instants = ['2026-12-04T17:00:00+08:00', '2026-12-07T09:00:00+08:00', '2026-12-10T09:00:00+08:00', '2026-12-31T09:00:00+08:00',
      '2027-01-05T09:00:00+08:00', '2027-03-31T09:00:00+08:00', '2027-07-01T09:00:00+08:00'];
    let runs = 0;
    const repeats: string[] = [];
    const ran = new Set<string>();
    for (const at of instants) {
      for (const job of allJobs) {
        const now = new Date(at);
        const slot = `${job.name}@${slotOf(job, now, 'Asia/Shanghai').toISOString()}`;
        const [ra, rb] = await Promise.all([runJob(job, now, a.jobDeps()), runJob(job, now, b.jobDeps())]);
        // Once per slot; a slot an earlier instant already fell in is not run again.
        expect([ra.status, rb.status].sort(), `${slot}: ${ra.error ?? ''}${rb.error ?? ''}`)
          .toEqual(ran.has(slot) ? ['skipped', 'skipped'] : ['ok', 'skipped']);
        ran.add(slot);
        runs++;
        const before = await messages();
        // A second later: a forced run recorded at the scheduled instant would meet the slot's own row.
        const forced = await runJob(job, new Date(now.getTime() + 1000), b.jobDeps(), { force: true });
        expect(forced.status, `${job.name} forced at ${at}: ${forced.error ?? ''}`).toBe('ok');
        // A staged job may take its next step (an escalation's second level); it may not say the same thing again.
        const again = [...(await messages())].filter(([k, m]) => !before.has(k) && [...before.values()].includes(m));
        if (again.length) repeats.push(`${job.name} at ${at}: the same message again under ${again.map(([k]) => k).slice(0, 3).join(', ')}`);
      }
    }
    recordFigures('jobs-twice', { jobs: allJobs.length, instants: instants.length, runs, repeated: repeats.length });
    expect(repeats).toEqual([]);
  });

  const race = (m1: ChatMessage, m2: ChatMessage) => raceOnTwo(world.db, [a, b], m1, m2);

  it('the secretary and an admin correcting the same meeting at once: every correction reported done is kept', async () => {
    const [m] = await world.db.select().from(meetings).limit(1);
    expect(m, 'the examples recorded a meeting').toBeDefined();
    for (let round = 0; round < 4; round++) {
      const place = `会议室${round}`;
      const topic = `主题${round}`;
      const [r1, r2] = await race(
        chatMessage(world.persona('书记'), `会议 更正 ${m!.id} 地点:${place}`, { now: clock.now() }),
        chatMessage(world.persona('admin'), `会议 更正 ${m!.id} 主题:${topic}`, { now: clock.now() }),
      );
      const [row] = await world.db.select().from(meetings).where(eq(meetings.id, m!.id));
      const done = (r: string) => !/刚被|请重新|失败|不能|没有/.test(r);
      if (done(r1)) expect(JSON.stringify(row), `round ${round}: ${r1}`).toContain(place);
      if (done(r2)) expect(JSON.stringify(row), `round ${round}: ${r2}`).toContain(topic);
      expect(done(r1) || done(r2), `${r1} | ${r2}`).toBe(true);
    }
  });
});
