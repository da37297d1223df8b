/**
 * One small case per bug the hardening sweeps found, so each stays fixed even if the random runs
 * never draw it again. Each names the sweep that found it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
