import type { AnyCommand } from '../src/bot/command.ts';
import { createRegistry, type Registry } from '../src/bot/registry.ts';
import { bindCommands } from './bind.ts';
import { branchCommands } from './branch.ts';
import { developCommands } from './develop.ts';
import { duesCommands } from './dues.ts';
import { helpCommand } from './help.ts';
import { meetingCommands } from './meeting.ts';
import { memberCommands } from './member.ts';
import { talkCommands } from './talk.ts';
import { anonCommands } from './anon.ts';
import { appealCommands } from './appeal.ts';
import { jobCommands } from './jobs.ts';
import { quietCommands } from './quiet-hours.ts';
import { summaryCommands } from './summary.ts';

/** Every command family, in the order help lists them. Each feature adds its array here. */
export const featureCommands: AnyCommand[] = [
  ...branchCommands,
  ...memberCommands,
  ...bindCommands,
  ...meetingCommands,
  ...talkCommands,
  ...anonCommands,
  ...duesCommands,
  ...developCommands,
  ...appealCommands,
  ...jobCommands,
  ...quietCommands,
  ...summaryCommands,
];

/** The registry of all commands plus `帮助`; throws at start if two commands share a name or alias. */
export function buildRegistry(commands: readonly AnyCommand[] = featureCommands): Registry {
  let registry: Registry | undefined;
  registry = createRegistry([helpCommand(() => registry!), ...commands]);
  return registry;
}
