/**
 * Writes the `[triggers] crons` list of wrangler.toml from the job table (cron/index.ts), converted
 * to UTC for the ORG_TIMEZONE in wrangler.toml's [vars]. `--check` only reports whether it is current.
 *
 *   npm run worker:crons            # rewrite wrangler.toml
 *   npm run worker:crons -- --check # exit 1 when wrangler.toml is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { workerCrons } from '../src/workers/crons.ts';

export const WRANGLER_TOML = fileURLToPath(new URL('../wrangler.toml', import.meta.url));

const CRONS_LINE = /^crons\s*=\s*\[[^\]]*\]/m;

/** ORG_TIMEZONE from wrangler.toml's [vars] (the Worker's zone), or the service default. */
export function timezoneOf(toml: string): string {
  return /^ORG_TIMEZONE\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? 'Asia/Shanghai';
}

/** The crons wrangler.toml lists now. */
export function cronsIn(toml: string): string[] {
  const line = CRONS_LINE.exec(toml)?.[0];
  if (!line) throw new Error('wrangler.toml has no `crons = [...]` line under [triggers]');
  return [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

export function withCrons(toml: string, crons: readonly string[]): string {
  const list = crons.length ? `[\n${crons.map((c) => `  "${c}",`).join('\n')}\n]` : '[]';
  return toml.replace(CRONS_LINE, `crons = ${list}`);
}

function main() {
  const toml = readFileSync(WRANGLER_TOML, 'utf8');
  const wanted = workerCrons(timezoneOf(toml));
  const current = cronsIn(toml);
  if (process.argv.includes('--check')) {
    if (JSON.stringify(current) === JSON.stringify(wanted)) return;
    console.error(`wrangler.toml crons are out of date:\n  have ${JSON.stringify(current)}\n  want ${JSON.stringify(wanted)}\nRun: npm run worker:crons`);
    process.exit(1);
  }
  writeFileSync(WRANGLER_TOML, withCrons(toml, wanted));
  console.log(`wrangler.toml: ${wanted.length} cron triggers (UTC, from ${timezoneOf(toml)})`);
  for (const c of wanted) console.log(`  ${c}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
