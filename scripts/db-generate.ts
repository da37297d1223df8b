// Generates a drizzle-kit migration from db/schema. Serialised with a lock so parallel runs cannot interleave.
import { execFileSync } from 'node:child_process';

const name = process.argv[2];
const args = ['drizzle-kit', 'generate', ...(name ? ['--name', name] : [])];
execFileSync('flock', ['/tmp/pba-db-generate.lock', 'npx', ...args], { stdio: 'inherit' });
