/**
 * The full role matrix: every example of every command in the registry, sent by every persona
 * (unbound stranger, plain member, each role, admin, members of another tenant and branch), in a
 * private chat and in their branch group, one message at a time, each judged with the per-message
 * checks: answered in Chinese, allowed or refused exactly as the declaration says, a refusal changes
 * nothing, a change is audited, tenant B never changes tenant A, no secret in any reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigures } from '../support/figures.ts';
import { allCommands, examplesOf, failures, judge, type Outcome } from '../support/sweep.ts';
import { createWorld, GROUP_1, GROUP_B, TENANT_A, type World } from '../support/world.ts';

describe('the role matrix over the whole registry', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world?.close());

  it('every example × every persona × private and group', async () => {
    const out: Outcome[] = [];
    for (const cmd of allCommands()) {
      for (const text of examplesOf(cmd)) {
        for (const p of world.personas) {
          const group = p.tenantKey === TENANT_A ? GROUP_1 : GROUP_B;
          out.push(await judge(world, p, text));
          out.push(await judge(world, p, text, { group }));
        }
      }
    }
    recordFigures('matrix', { commands: allCommands().length, personas: world.personas.length, messages: out.length,
      problems: out.filter((o) => o.problems.length).length });
    expect(failures(out)).toEqual([]);
  });
});
