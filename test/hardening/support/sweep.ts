/**
 * One message through the whole system, judged: answered, in Chinese, by the role matrix, with
 * nothing half-written, nothing of another tenant and no secret in it.
 */
import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { buildRegistry } from '../../../commands/index.ts';
import { identities, members } from '../../../db/schema/index.ts';
import type { Asker } from '../../../src/bot/context.ts';
import { isBranchRole, type MemberStatus } from '../../../src/bot/roles.ts';
import type { AnyCommand } from '../../../src/bot/command.ts';
import { normalize } from '../../../src/bot/normalize.ts';
import { canRun, chatAllowed } from '../../../src/bot/permissions.ts';
import { tokenize } from '../../../src/bot/tokenize.ts';
import type { Reply } from '../../../src/bot/types.ts';
import {
  changedTables, findLeaks, isRefusal, PLUMBING, replyProblems, replyText, snapshot, UNAUDITED,
} from './invariants.ts';
import { anyLine } from './fuzz.ts';
import { GROUP_1, GROUP_B, SECRET_VALUES, TENANT_A, TENANT_A_ONLY, TENANT_B_ONLY, type Persona, type World } from './world.ts';

export const registry = buildRegistry();
/** Every command the registry holds, help included; features landing later are swept automatically. */
export const allCommands = (): readonly AnyCommand[] => registry.list();

export interface Outcome {
  persona: string;
  text: string;
  group?: string;
  command?: string;
  reply: string;
  problems: string[];
}

/**
 * The asker as the dispatcher will see it, read from the database now: examples change people
 * (成员 设置 王五 职务:…, 成员 移出 王五), so the seed goes stale. Read without the dispatcher's side
 * effects (the console binding an unbound user by name happens only for names not yet bound).
 */
async function askerNow(world: World, p: Persona): Promise<Asker> {
  const tenantId = world.tenantIds[p.tenantKey]!;
  const [row] = await world.db.select({ m: members }).from(identities).innerJoin(members, eq(members.id, identities.memberId))
    .where(and(eq(identities.tenantId, tenantId), eq(identities.platform, 'console'), eq(identities.userId, p.userId))).limit(1);
  const m = row?.m.active ? row.m : undefined;
  return {
    platform: 'console', userId: p.userId, isAdmin: p.asker.isAdmin,
    ...(m ? { member: { id: m.id, name: m.name, branchId: m.branchId, status: m.status as MemberStatus, roles: m.roles.filter(isBranchRole) } } : {}),
  };
}

const short = (s: string) => ([...s].length > 120 ? `${[...s].slice(0, 120).join('')}…(${[...s].length})` : s);

/** What is wrong with one answered message, judged from the reply alone (role matrix, language, leaks). */
function replyChecks(p: Persona, asker: Asker, text: string, group: string | undefined, reply: Reply | null, status: string): string[] {
  const cmd = registry.match(tokenize(normalize(text)))?.command;
  const shown = replyText(reply);
  const problems: string[] = [];
  if (status !== 'done') problems.push(`inbox row ${status}`);
  const silentOk = group && !normalize(text);
  if (!(silentOk && !reply)) problems.push(...replyProblems(reply, text));
  if (cmd && reply) {
    const allowed = canRun(cmd.access, asker);
    const refusedForRole = shown.startsWith(`“${cmd.name}”：该命令仅`);
    if (!allowed && !refusedForRole) problems.push(`ran “${cmd.name}” although the role matrix refuses ${p.label}`);
    if (allowed && refusedForRole) problems.push(`refused “${cmd.name}” although the role matrix allows ${p.label}`);
    const chat = group ? 'group' : 'private';
    if (allowed && !chatAllowed(cmd.chat, chat) && !shown.startsWith(`“${cmd.name}”：该命令请在`)) {
      problems.push(`ran “${cmd.name}” in a ${chat} chat although it is ${cmd.chat}-only`);
    }
  }
  const foreign = (p.tenantKey !== TENANT_A ? TENANT_A_ONLY : TENANT_B_ONLY).filter((n) => !text.includes(n));
  // Usage lines are fixed product text; their examples may use a name another tenant also has.
  const data = shown.split('\n').filter((l) => !/^\s*(用法|例如)：/.test(l)).join('\n');
  problems.push(...findLeaks([data], foreign).map((l) => `other tenant's name: ${l}`));
  problems.push(...findLeaks([JSON.stringify(reply ?? '')], SECRET_VALUES).map((l) => `secret: ${l}`));
  return problems;
}

function outcome(p: Persona, text: string, group: string | undefined, reply: Reply | null, problems: string[]): Outcome {
  const cmd = registry.match(tokenize(normalize(text)))?.command;
  return { persona: p.label, text: short(text), group, command: cmd?.name, reply: short(replyText(reply)), problems };
}

/**
 * Sends `text` as `p` and judges it, including its effect on the database: a refusal changes no
 * record, a change writes an audit row, and a member of tenant B changes nothing of tenant A.
 */
export async function judge(world: World, p: Persona, text: string, opts: { group?: string } = {}): Promise<Outcome> {
  const db = world.db;
  const tenantA = world.tenantIds[TENANT_A];
  const otherTenant = p.tenantKey !== TENANT_A;
  const asker = await askerNow(world, p);
  const before = await snapshot(db);
  const beforeA = otherTenant ? await snapshot(db, { tenantId: tenantA }) : undefined;
  let sent: { reply: Reply | null; status: string };
  try {
    sent = await world.send(p, text, opts);
  } catch (err) {
    // The service could not even take the message in: a webhook would answer 5xx and the platform retry forever.
    return outcome(p, text, opts.group, null, [`message not accepted: ${String((err as Error)?.message ?? err).slice(0, 160)}`]);
  }
  const { reply, status } = sent;
  const after = await snapshot(db);
  const problems = replyChecks(p, asker, text, opts.group, reply, status);
  const changed = changedTables(before, after).filter((t) => !PLUMBING.has(t));
  const audited = before.get('audit_log') !== after.get('audit_log');
  if (changed.length && isRefusal(replyText(reply))) problems.push(`refused but changed ${changed.join(', ')}`);
  if (changed.some((t) => !UNAUDITED.has(t)) && !audited) problems.push(`changed ${changed.join(', ')} without an audit row`);
  if (beforeA) {
    const touched = changedTables(beforeA, await snapshot(db, { tenantId: tenantA })).filter((t) => !PLUMBING.has(t));
    if (touched.length) problems.push(`tenant B changed tenant A's ${touched.join(', ')}`);
  }
  return outcome(p, text, opts.group, reply, problems);
}

/**
 * Many messages judged together: accepted at once, processed in one pass, each reply checked. The
 * database is compared once: tenant A's records must not change when `tenantA` says so (a batch of
 * refusals, or of another tenant's messages). Per-message state checks are `judge`'s.
 */
export async function judgeBatch(world: World, cases: readonly { p: Persona; text: string; group?: string }[],
  opts: { tenantAUnchanged: boolean }): Promise<Outcome[]> {
  const db = world.db;
  const tenantA = world.tenantIds[TENANT_A];
  const before = await snapshot(db, { tenantId: tenantA });
  const sent = [];
  const out: Outcome[] = [];
  for (const c of cases) {
    try {
      const asker = await askerNow(world, c.p);
      sent.push({ ...c, asker, msg: await world.accept(c.p, c.text, { group: c.group }) });
    } catch (err) {
      out.push(outcome(c.p, c.text, c.group, null, [`message not accepted: ${String((err as Error)?.message ?? err).slice(0, 160)}`]));
    }
  }
  await world.bot.runtime.deferrer.settle();
  while (await world.bot.runtime.processPending());
  for (const c of sent) {
    const reply = await world.replyTo(c.msg);
    out.push(outcome(c.p, c.text, c.group, reply, replyChecks(c.p, c.asker, c.text, c.group, reply, await world.statusOf(c.msg))));
  }
  const touched = changedTables(before, await snapshot(db, { tenantId: tenantA })).filter((t) => !PLUMBING.has(t));
  if (opts.tenantAUnchanged && touched.length) out.push({ persona: '(batch)', text: '', reply: '', problems: [`changed tenant A's ${touched.join(', ')}`] });
  return out;
}

/** The outcomes with problems, formatted for an assertion message. */
export function failures(outcomes: readonly Outcome[]): string[] {
  return outcomes.filter((o) => o.problems.length)
    .map((o) => `${o.persona}${o.group ? `@${o.group}` : ''} “${o.text}” → ${o.problems.join('; ')}\n    reply: ${o.reply}`);
}

/** Each command's examples, or just its name when it has none. */
export function examplesOf(cmd: AnyCommand): string[] {
  return cmd.examples.length ? [...cmd.examples] : [cmd.name];
}

/** The persona a command is meant for: an admin for admin commands, else the first role or a member. */
export function rightfulPersona(world: World, cmd: AnyCommand): Persona {
  const a = cmd.access;
  if (a === 'admin') return world.persona('admin');
  if (a === 'anyone' || a === 'member') return world.persona('党员');
  if ('roles' in a) return world.persona(a.roles[0] ?? 'admin');
  return world.persona('党员');
}

/**
 * The fuzzing property, shared by the fast and the long run: random and hostile lines from every
 * persona, in private or in their branch group, each judged. Problems are collected rather than failed
 * at once, so the report lists every distinct one of the run.
 */
export async function fuzzPipeline(world: World, opts: { runs: number; seed: number }): Promise<{ lines: number; bad: Outcome[] }> {
  const bad: Outcome[] = [];
  let lines = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...world.personas), anyLine(allCommands()), fc.boolean(), async (p, text, inGroup) => {
      const o = await judge(world, p, text, inGroup ? { group: p.tenantKey === TENANT_A ? GROUP_1 : GROUP_B } : {});
      lines++;
      if (o.problems.length) bad.push(o);
    }),
    { numRuns: opts.runs, seed: opts.seed },
  );
  return { lines, bad };
}
