import type { ArgsSpec, InferArgs, InferOptions, OptionsSpec } from './args.ts';
import type { CommandContext } from './context.ts';
import { foldCase, normalize } from './normalize.ts';
import type { Access, ChatScope } from './permissions.ts';
import type { Reply } from './types.ts';

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** What a handler receives: positional args and options merged into one object. */
export type CommandInput<A extends ArgsSpec, O extends OptionsSpec> = Simplify<InferArgs<A> & InferOptions<O>>;

export interface CommandSpec<A extends ArgsSpec, O extends OptionsSpec> {
  /** Chinese, one or more words: `党费 计算`. */
  name: string;
  /** More names, Chinese or English: `dues calc`. ASCII is matched case-insensitively. */
  aliases?: readonly string[];
  /** Positional arguments, consumed in key order. */
  args?: A;
  /** `key:value` options; their ids must differ from the args' ids. */
  options?: O;
  access: Access;
  /** Default `any`. */
  chat?: ChatScope;
  /** One Chinese line. */
  help: string;
  examples?: readonly string[];
  /** Left out of help and suggestions (buttons, maintenance). */
  hidden?: boolean;
  run(input: CommandInput<A, O>, ctx: CommandContext): Promise<Reply> | Reply;
}

export interface Command<A extends ArgsSpec = ArgsSpec, O extends OptionsSpec = OptionsSpec> {
  /** Normalised: single spaces. */
  readonly name: string;
  readonly aliases: readonly string[];
  readonly args: A;
  readonly options: O;
  readonly access: Access;
  readonly chat: ChatScope;
  readonly help: string;
  readonly examples: readonly string[];
  readonly hidden: boolean;
  // Method syntax keeps every Command assignable to AnyCommand.
  run(input: CommandInput<A, O>, ctx: CommandContext): Promise<Reply> | Reply;
}

export type AnyCommand = Command<ArgsSpec, OptionsSpec>;

const NAME_WORD = /^[^\s:"'“”‘’「」『』@]+$/u;

/** A name or alias as matched: normalised, ASCII lower-cased, split into words. */
export function nameWords(name: string): string[] {
  const n = foldCase(normalize(name));
  return n ? n.split(' ') : [];
}

/** Declares a command. Throws on declaration mistakes so they surface at start, not in a chat. */
export function command<A extends ArgsSpec = Record<never, never>, O extends OptionsSpec = Record<never, never>>(
  spec: CommandSpec<A, O>,
): Command<A, O> {
  const name = normalize(spec.name);
  const aliases = (spec.aliases ?? []).map(normalize);
  for (const n of [name, ...aliases]) {
    if (!n || !n.split(' ').every((w) => NAME_WORD.test(w))) throw new Error(`Invalid command name or alias "${n}"`);
  }
  if (!spec.help.trim()) throw new Error(`Command "${name}" needs a help line`);
  const args = spec.args ?? ({} as A);
  const options = spec.options ?? ({} as O);
  checkSpec(name, args, options);
  return {
    name,
    aliases,
    args,
    options,
    access: spec.access,
    chat: spec.chat ?? 'any',
    help: spec.help.trim(),
    examples: spec.examples ?? [],
    hidden: spec.hidden ?? false,
    run: (input, ctx) => spec.run(input, ctx),
  };
}

function checkSpec(name: string, args: ArgsSpec, options: OptionsSpec): void {
  const ids = Object.keys(args);
  ids.forEach((id, i) => {
    if (args[id]!.kind === 'rest' && i !== ids.length - 1) throw new Error(`${name}: rest arg "${id}" must be the last positional arg`);
  });
  const seen = new Map<string, string>();
  for (const [id, o] of Object.entries(options)) {
    if (id in args) throw new Error(`${name}: option "${id}" has the same id as a positional arg`);
    for (const k of o.keys) {
      const prev = seen.get(foldCase(k));
      if (prev) throw new Error(`${name}: option key "${k}" is used by both "${prev}" and "${id}"`);
      seen.set(foldCase(k), id);
    }
  }
}

/** `党费 计算 <月收入（税后，元）> [原因:…]` */
export function usageOf(cmd: AnyCommand): string {
  const parts = [cmd.name];
  for (const a of Object.values(cmd.args)) {
    let label = a.kind === 'rest' ? `${a.label}…` : a.label;
    if (a.choices && a.choices.length <= 5) label = `${a.label}：${a.choices.join('/')}`;
    parts.push(a.required ? `<${label}>` : `[${label}]`);
  }
  for (const o of Object.values(cmd.options)) {
    parts.push(o.arg.required ? `${o.keys[0]}:<${o.arg.label}>` : `[${o.keys[0]}:…]`);
  }
  return parts.join(' ');
}
