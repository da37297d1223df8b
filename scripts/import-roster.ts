// `npm run import -- roster.csv [--tenant feishu:<tenant_key>]` — see README "名册导入".
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { inArray, and, eq } from 'drizzle-orm';
import { members } from '../db/schema/index.ts';
import { readRoster, validateRoster, importRoster } from '../src/org/roster.ts';
import { resolveTenant } from '../src/bot/tenancy.ts';
import { openServiceDb, parseTenantFlag } from './open-service-db.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { tenant: { type: 'string' } } });
const file = positionals[0];
if (!file) {
  console.error('用法：npm run import -- <名册.csv|名册.xlsx> [--tenant feishu:<tenant_key>]');
  process.exit(2);
}
const records = await readRoster(file, await readFile(file));
const checked = validateRoster(records);
if (!checked.ok) {
  console.error(`名册有 ${checked.problems.length} 处问题，未导入任何数据：`);
  for (const p of checked.problems) console.error(`  第 ${p.line} 行：${p.reason}`);
  process.exit(1);
}
const handle = await openServiceDb();
try {
  const { platform, key } = parseTenantFlag(values.tenant);
  const tenant = await resolveTenant(handle.db, platform, key);
  const numbers = checked.rows.map((r) => r.工号).filter((n): n is string => Boolean(n));
  const taken = numbers.length
    ? await handle.db.select({ no: members.employeeNo }).from(members)
      .where(and(eq(members.tenantId, tenant.id), inArray(members.employeeNo, numbers)))
    : [];
  if (taken.length) {
    const lines = records.filter((r) => taken.some((t) => t.no === r.record['工号']));
    console.error('以下工号已存在，未导入任何数据：');
    for (const r of lines) console.error(`  第 ${r.line} 行：工号 ${r.record['工号']} 已被使用`);
    process.exitCode = 1;
  } else {
    const result = await importRoster(handle.db, tenant.id, checked.rows, 'system:import');
    console.log(`已导入 ${result.members} 名成员${result.branches.length ? `，新建支部：${result.branches.join('、')}` : ''}。`);
  }
} finally {
  await handle.close();
}
