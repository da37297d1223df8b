/**
 * The long fuzzing run: thousands of random and hostile lines from every persona, in private and in
 * the branch group, each judged like the fast run (test/hardening/fuzz.test.ts). FUZZ_RUNS and
 * FUZZ_SEED change the run; a failing seed reproduces.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyLine } from '../support/fuzz.ts';
import { recordFigures } from '../support/figures.ts';
import { allCommands, failures, judge, type Outcome } from '../support/sweep.ts';
import { createWorld, GROUP_1, GROUP_B, TENANT_A, type World } from '../support/world.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 14);

describe(`fuzzing the whole pipeline (${RUNS} lines, seed ${SEED})`, () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world?.close());

  it('every line from every persona is answered sensibly and leaves no partial state', async () => {
    const bad: Outcome[] = [];
    let lines = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...world.personas), anyLine(allCommands()), fc.boolean(), async (p, text, inGroup) => {
        const o = await judge(world, p, text, inGroup ? { group: p.tenantKey === TENANT_A ? GROUP_1 : GROUP_B } : {});
        lines++;
        if (o.problems.length) bad.push(o);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    recordFigures('fuzz', { lines, problems: bad.length });
    expect(failures(bad)).toEqual([]);
  });
});
