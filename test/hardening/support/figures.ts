/**
 * Figures for docs/reliability.md: each slow suite records what it tried (cases, faults injected,
 * messages lost) in `.data/hardening/<name>.json`; `npm run test:hardening` prints them at the end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIGURES_DIR = join(process.cwd(), '.data', 'hardening');

export function recordFigures(name: string, figures: Record<string, number | string>): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const db = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  writeFileSync(join(FIGURES_DIR, `${name}.${db}.json`), JSON.stringify({ name, db, ...figures }, null, 2) + '\n');
}
