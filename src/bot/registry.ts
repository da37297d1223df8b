import { nameWords, type AnyCommand } from './command.ts';
import { DuplicateCommandError } from './errors.ts';
import { foldCase, normalize } from './normalize.ts';
import type { Tokens } from './tokenize.ts';

export interface Match {
  command: AnyCommand;
  /** The tokens after the command's name: words and mention positions shifted, options kept. */
  rest: Tokens;
  /** The words of the line that named the command, as typed. */
  matched: string[];
}

export interface Registry {
  /** The command whose name or alias is the longest word prefix of `tokens.words`. */
  match(tokens: Tokens): Match | null;
  /** The command with exactly this name or alias, or undefined. */
  find(name: string): AnyCommand | undefined;
  /** Visible commands nearest to `text` by edit distance on names, aliases and families, best first. */
  suggest(text: string, limit?: number): AnyCommand[];
  /** All commands in registration order. */
  list(): readonly AnyCommand[];
}

interface Entry {
  words: string[];
  key: string;
  command: AnyCommand;
}

export function createRegistry(commands: readonly AnyCommand[]): Registry {
  const byKey = new Map<string, Entry>();
  const seen = new Set<AnyCommand>();
  for (const command of commands) {
    if (seen.has(command)) throw new DuplicateCommandError(`Command "${command.name}" is registered twice`);
    seen.add(command);
    for (const n of [command.name, ...command.aliases]) {
      const words = nameWords(n);
      const key = words.join(' ');
      const prev = byKey.get(key);
      if (prev?.command === command) continue;
      if (prev) {
        throw new DuplicateCommandError(
          `Command name "${n}" is claimed twice: by "${prev.command.name}" and by "${command.name}"`,
        );
      }
      byKey.set(key, { words, key, command });
    }
  }
  const entries = [...byKey.values()].sort((a, b) => b.words.length - a.words.length);
  const list = [...commands];

  return {
    match(tokens) {
      const typed = tokens.words.map(foldCase);
      const hit = entries.find((e) => e.words.length <= typed.length && e.words.every((w, i) => w === typed[i]));
      if (!hit) return null;
      const n = hit.words.length;
      const rest: Tokens = {
        words: tokens.words.slice(n),
        options: { ...tokens.options },
        mentions: [...tokens.mentions],
        mentionWords: tokens.mentionWords.map((i) => i - n),
        optionWords: tokens.optionWords?.map((o) => ({ ...o, at: Math.max(0, o.at - n) })),
        raw: tokens.raw,
      };
      return { command: hit.command, rest, matched: tokens.words.slice(0, n) };
    },

    find(name) {
      return byKey.get(nameWords(name).join(' '))?.command;
    },

    suggest(text, limit = 3) {
      const typed = nameWords(text);
      if (!typed.length) return [];
      // Rank: fewer edits, then a hit on the name itself before one on its family word, then the
      // longer (more specific) name, then registration order.
      type Score = [number, number, number, number];
      const best = new Map<AnyCommand, Score>();
      list.forEach((command, order) => {
        if (command.hidden) return;
        const names = [command.name, ...command.aliases].map((n) => foldCase(normalize(n)));
        const family = nameWords(command.name)[0]!;
        const candidates: [string, number][] = names.map((n) => [n, 0]);
        if (family !== names[0]) candidates.push([family, 1]);
        for (const [candidate, viaFamily] of candidates) {
          const d = distanceToPrefix(candidate, typed);
          if (d > tolerance(candidate)) continue;
          const score: Score = [d, viaFamily, -[...candidate].length, order];
          const prev = best.get(command);
          if (!prev || compareScores(score, prev) < 0) best.set(command, score);
        }
      });
      return [...best.entries()]
        .sort((a, b) => compareScores(a[1], b[1]))
        .slice(0, Math.max(0, limit))
        .map(([c]) => c);
    },

    list: () => list,
  };
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** How many edits still count as a typo of `name`. */
function tolerance(name: string): number {
  const n = [...name].length;
  return n <= 3 ? 1 : n <= 6 ? 2 : 3;
}

/** Smallest edit distance between `name` and the first k typed words (k up to one more than its words). */
function distanceToPrefix(name: string, typed: string[]): number {
  const k = Math.min(typed.length, name.split(' ').length + 1);
  let best = Infinity;
  for (let i = 1; i <= k; i++) best = Math.min(best, levenshtein(name, typed.slice(0, i).join(' ')));
  return best;
}

export function levenshtein(a: string, b: string): number {
  const x = [...a];
  // Bounds the work on a huge line; anything cut off is already far beyond any tolerance.
  const y = [...b].slice(0, x.length + 8);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}
