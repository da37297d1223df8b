/**
 * Property: whatever anyone types — a registered command with random, edge-of-range or hostile
 * arguments, or plain junk of up to 10,000 characters — the message is answered with a clear Chinese
 * reply or a valid result, the role matrix holds, and nothing is half-written. A modest run here;
 * slow/fuzz.test.ts runs thousands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failures, fuzzPipeline } from './support/sweep.ts';
import { createWorld, type World } from './support/world.ts';

export const FAST_RUNS = 25;

describe('fuzzing the whole pipeline (fast)', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world?.close());

  it('every line from every persona is answered sensibly and leaves no partial state', async () => {
    const { bad } = await fuzzPipeline(world, { runs: FAST_RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261202) });
    expect(failures(bad)).toEqual([]);
  });
});
