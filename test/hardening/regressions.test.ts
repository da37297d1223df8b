/**
 * One small case per bug the hardening sweeps found, so each stays fixed even if the random runs
 * never draw it again. Each names the sweep that found it.
 */
import { DrizzleQueryError } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransientDbError } from '../../db/errors.ts';
import { replyProblems, replyText } from './support/invariants.ts';
import { createWorld, type World } from './support/world.ts';

describe('regressions found by the hardening sweeps', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world?.close());

  it('an id past the 32-bit range is refused with the usage, not an internal error (fuzz: “talk agree 2147483648”)', async () => {
    for (const text of ['谈话 同意 2147483648', '会议 查看 999999999999999', '谈话 接受 -2147483649']) {
      const { reply, status } = await world.send(world.persona('组织委员'), text);
      expect(status).toBe('done');
      expect(replyProblems(reply)).toEqual([]);
      expect(replyText(reply)).toContain('用法：');
    }
  });

  it('text with NUL and lone surrogates is answered (fuzz: “\\u0000” made the inbox insert fail)', async () => {
    const { reply, status } = await world.send(world.persona('党员'), '帮助\u0000\uD800');
    expect(status).toBe('done');
    expect(replyProblems(reply)).toEqual([]);
  });
});

describe('telling a lost database from a bad statement (faults-db: a dropped connection failed the message)', () => {
  const wrapped = (cause: unknown, sql = 'select "id" from "appeals" where "closed_at" is null') => new DrizzleQueryError(sql, [], cause as Error);
  it.each([
    ['postgres.js lost its socket', wrapped(Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }))],
    ['the server was shut down (57P01)', wrapped(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))],
    ['the connection was refused', wrapped(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))],
    ['PGlite was closed', wrapped(new Error('PGlite is closed'))],
    ['a deadlock', wrapped(Object.assign(new Error('deadlock detected'), { code: '40P01' }))],
  ])('%s: transient', (_what, err) => {
    expect(isTransientDbError(err)).toBe(true);
  });
  it.each([
    ['a unique violation on a query naming closed_at', wrapped(Object.assign(new Error('duplicate key value'), { code: '23505' }))],
    ['an integer out of range', wrapped(Object.assign(new Error('value "2147483648" is out of range for type integer'), { code: '22003' }))],
    ['a bug in a handler', new TypeError('cannot read properties of undefined')],
  ])('%s: not transient', (_what, err) => {
    expect(isTransientDbError(err)).toBe(false);
  });
});
