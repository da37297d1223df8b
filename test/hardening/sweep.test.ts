/**
 * Every command in the registry, each of its examples, as the person it is meant for and as people it
 * is not (a stranger, a member of another tenant): answered, in Chinese, by the role matrix, nothing
 * half-written, nothing crossing tenants. The full matrix (every persona, both chat kinds) is in
 * slow/matrix.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands, examplesOf, failures, judge, judgeRefusals, rightfulPersona, type Outcome } from './support/sweep.ts';
import { createWorld, GROUP_1, type World } from './support/world.ts';

describe('registry sweep (fast)', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world?.close());

  it('covers every registered command', () => {
    expect(allCommands().length).toBeGreaterThan(10);
  });

  it('the first example of every command, run by the person it is meant for, where it is meant to be used', async () => {
    const out: Outcome[] = [];
    for (const cmd of allCommands()) {
      const p = rightfulPersona(world, cmd);
      const text = examplesOf(cmd)[0]!;
      out.push(await judge(world, p, text, cmd.chat === 'group' ? { group: GROUP_1 } : {}));
    }
    expect(failures(out)).toEqual([]);
  });

  it('every command, refused to a stranger and answered for a member of another tenant', async () => {
    const cases = allCommands().flatMap((cmd) => [
      { p: world.persona('stranger'), text: examplesOf(cmd)[0]! },
      { p: world.persona('tenantB-书记'), text: examplesOf(cmd)[0]! },
    ]);
    expect(failures(await judgeRefusals(world, cases))).toEqual([]);
  });
});
