// `npm run db:generate [name]`: writes a drizzle-kit migration for the schema changes in db/schema.
// `--baseline` rewrites the single initial migration instead (only before the first release).
// Serialised with a lock so parallel runs cannot interleave.
import { execFileSync } from 'node:child_process';

const baseline = process.argv.includes('--baseline');
const name = process.argv.slice(2).find((a) => !a.startsWith('--'));
const steps = [
  ...(baseline ? ['rm -rf db/migrations'] : []),
  `npx drizzle-kit generate${baseline ? ' --name init' : name ? ` --name ${name}` : ''}`,
];
execFileSync('flock', ['/tmp/pba-db-generate.lock', 'sh', '-c', steps.join(' && ')], { stdio: 'inherit' });
