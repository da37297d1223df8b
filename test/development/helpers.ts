import { eq } from 'drizzle-orm';
import { developmentSteps, members } from '../../db/schema/index.ts';
import type { StepDetails } from '../../db/schema/index.ts';
import { renderPlain } from '../../src/platforms/console/render.ts';
import { consoleMessage } from '../../src/platforms/console/message.ts';
import type { TestBot } from '../helpers/runtime.ts';

/** One command straight through the dispatcher (no inbox or sender round trip): the reply as console text. */
export async function ask(bot: TestBot, as: string, text: string): Promise<string> {
  const reply = await bot.runtime.dispatch(consoleMessage(text, as, { now: bot.now() }), bot.handle.db);
  return reply ? renderPlain(reply) : '';
}

export async function memberNamed(bot: TestBot, name: string) {
  const [row] = await bot.handle.db.select().from(members).where(eq(members.name, name));
  if (!row) throw new Error(`no member ${name}`);
  return row;
}

/** Writes a history directly, for tests about what the job and the views make of it. */
export async function seedSteps(bot: TestBot, name: string, dates: Record<number, string>, details: Record<number, StepDetails> = {}) {
  const m = await memberNamed(bot, name);
  await bot.handle.db.insert(developmentSteps).values(Object.entries(dates).map(([step, date]) => ({
    tenantId: m.tenantId, memberId: m.id, step: Number(step), date, details: details[Number(step)] ?? {},
    recordedByName: '测试', recordedAt: new Date(`${date}T12:00:00+08:00`),
  })));
  return m;
}

/** A complete, lawful path through the 25 steps (as in test/domain/development.test.ts). */
export const DATES: Record<number, string> = {
  1: '2024-03-01', 2: '2024-03-20', 3: '2024-09-10', 4: '2024-09-20', 5: '2024-09-20', 6: '2025-03-05',
  7: '2025-09-10', 8: '2025-09-15', 9: '2025-09-15', 10: '2025-10-20', 11: '2025-11-10', 12: '2025-12-01',
  13: '2025-12-10', 14: '2025-12-20', 15: '2026-01-31', 16: '2026-02-10', 17: '2026-03-15', 18: '2026-03-20',
  19: '2026-03-20', 20: '2026-04-01', 21: '2026-06-01', 22: '2027-01-05', 23: '2027-01-31', 24: '2027-03-01',
  25: '2027-03-10',
};

export const upTo = (n: number, over: Record<number, string> = {}) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [i + 1, over[i + 1] ?? DATES[i + 1]!]));
