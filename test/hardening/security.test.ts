/**
 * Anonymous identities and secrets never leak (support/anonymity.ts; slow/anonymity.test.ts adds every
 * job at several instants), and while the database is down no failed query's parameters — what
 * someone wrote, who they are — reach a log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymitySuite } from './support/anonymity.ts';
import { findLeaks } from './support/invariants.ts';
import { flakyTestDb, type FlakyDb } from './support/flaky-db.ts';
import { feishu, feishuMessage } from './support/requests.ts';
import { createWorld, SECRET_VALUES, type World } from './support/world.ts';

const MARK = 'ANONMARK5150';

anonymitySuite(false);

describe('while the database is down, a message is refused without its content reaching the logs', () => {
  let db: FlakyDb;
  let world: World;
  beforeAll(async () => {
    db = await flakyTestDb();
    world = await createWorld({ handle: db.handle });
  });
  afterAll(async () => {
    await db?.up();
    await world?.close();
    await db?.close();
  });

  it('an anonymous message sent while the database is away: 5xx, and no log line holds its text or sender', async () => {
    db.down();
    const res = await world.bot.runtime.app.request('/feishu/events',
      feishu(feishuMessage({ text: `匿名 ${MARK} 想说的话`, openId: 'ou_secret_writer_42' }), world.bot.now()));
    expect(res.status).toBeGreaterThanOrEqual(500);
    await world.bot.runtime.deferrer.settle();
    await db.up();
    const lines = world.bot.log.lines;
    expect(lines.some((l) => l.includes('feishu event failed'))).toBe(true);
    expect(findLeaks(lines, [MARK, 'ou_secret_writer_42', ...SECRET_VALUES])).toEqual([]);
  });
});
