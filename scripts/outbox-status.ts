// npm run outbox [-- --errors 20]: pending, sending, sent and failed counts and the latest errors.
import { loadConfig } from '../src/config.ts';
import { openDb } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';
import { localDate, localParts } from '../src/domain/calendar.ts';
import { outboxStats } from '../src/notify/outbox.ts';

const config = loadConfig();
const tz = config.timezone;
const i = process.argv.indexOf('--errors');
const errors = i > 0 ? Number(process.argv[i + 1]) : 10;
if (!Number.isInteger(errors) || errors < 0) {
  console.error('usage: npm run outbox [-- --errors <n>]');
  process.exit(2);
}

const fmt = (d: Date) => {
  const p = localParts(d, tz);
  return `${localDate(d, tz)} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
};

const handle = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, max: 2 });
try {
  await runMigrations(handle);
  const s = await outboxStats(handle.db, { now: new Date(), errors });
  console.log(`pending ${s.pending} (due now ${s.due}${s.oldestDue ? `, oldest due since ${fmt(s.oldestDue)}` : ''})`);
  console.log(`sending ${s.sending}`);
  console.log(`sent    ${s.sent}`);
  console.log(`failed  ${s.failed}`);
  if (s.lastErrors.length) {
    console.log(`\nlatest errors (${tz}):`);
    for (const e of s.lastErrors) {
      console.log(`  #${e.id} ${e.platform} ${e.status} after ${e.attempts} attempt(s), next/last ${fmt(e.notBefore)}  ${e.dedupeKey}\n      ${e.error}`);
    }
  }
} finally {
  await handle.close();
}
