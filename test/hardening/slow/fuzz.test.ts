/**
 * The long fuzzing run: thousands of random and hostile lines from every persona, in private and in
 * the branch group, each judged like the fast run (test/hardening/fuzz.test.ts). FUZZ_RUNS and
 * FUZZ_SEED change the run; a failing seed reproduces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigures } from '../support/figures.ts';
import { failures, fuzzPipeline } from '../support/sweep.ts';
import { createWorld, type World } from '../support/world.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 14);

describe(`fuzzing the whole pipeline (${RUNS} lines, seed ${SEED})`, () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world?.close());

  it('every line from every persona is answered sensibly and leaves no partial state', async () => {
    const { lines, bad } = await fuzzPipeline(world, { runs: RUNS, seed: SEED });
    recordFigures('fuzz', { lines, problems: bad.length });
    expect(failures(bad)).toEqual([]);
  });
});
