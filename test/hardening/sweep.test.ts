/**
 * Every command in the registry, as the person it is meant for and as people it is not (a stranger,
 * a member of another tenant): answered, in Chinese, by the role matrix, nothing crossing tenants.
 * A quick batch pass; slow/matrix.test.ts runs every example as every persona in both chat kinds,
 * one message at a time, with the per-message checks (a refusal changes nothing, a change is audited).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands, examplesOf, failures, judgeBatch, rightfulPersona } from './support/sweep.ts';
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
    const cases = allCommands().map((cmd) => ({
      p: rightfulPersona(world, cmd), text: examplesOf(cmd)[0]!, ...(cmd.chat === 'group' ? { group: GROUP_1 } : {}),
    }));
    expect(failures(await judgeBatch(world, cases, { tenantAUnchanged: false }))).toEqual([]);
  });

  it('every command refused to a stranger, and answered for a member of another tenant without touching this one', async () => {
    const stranger = allCommands().map((cmd) => ({ p: world.persona('stranger'), text: examplesOf(cmd)[0]! }));
    const other = allCommands().map((cmd) => ({ p: world.persona('tenantB-书记'), text: examplesOf(cmd)[0]! }));
    expect(failures(await judgeBatch(world, stranger, { tenantAUnchanged: true }))).toEqual([]);
    expect(failures(await judgeBatch(world, other, { tenantAUnchanged: true }))).toEqual([]);
  });
});
