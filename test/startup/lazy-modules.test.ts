/**
 * The server loads its heaviest optional packages only when they are used: the Lark SDK when a Feishu
 * client is made, dingtalk-stream in stream mode, exceljs when an export or a roster import runs. A child process imports src/node.ts with a
 * configuration it rejects at its first line, so every static import has been evaluated and nothing
 * starts; a module hook lists what was loaded.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const CHILD = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const urls = [];
port1.on('message', (u) => urls.push(u));
register('data:text/javascript,' + encodeURIComponent(
  'let port; export function initialize(d) { port = d.port; }' +
  'export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }'),
  { data: { port: port2 }, transferList: [port2] });
const loaded = () => ({
  exceljs: urls.some((u) => u.includes('/node_modules/exceljs/')),
  dingtalkStream: urls.some((u) => u.includes('/node_modules/dingtalk-stream/')),
  lark: urls.some((u) => u.includes('/node_modules/@larksuiteoapi/')),
  server: urls.some((u) => u.endsWith('/src/runtime.ts')),
});
const settle = () => new Promise((r) => setTimeout(r, 200));
let error = '';
try {
  await import('./src/node.ts');
} catch (e) {
  error = e.name;
}
await settle();
const atStart = loaded();
const { newWorkbook } = await import('./src/excel.ts');
const wb = await newWorkbook();
wb.addWorksheet('t').addRow(['x']);
await settle();
console.log(JSON.stringify({ error, atStart, afterExport: loaded(), bytes: (await wb.xlsx.writeBuffer()).byteLength }));
port1.close();
`;

describe('start-up footprint', () => {
  it('does not load the Lark SDK, dingtalk-stream or exceljs until they are needed', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'bogus' };
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: new URL('../..', import.meta.url).pathname, env, timeout: 60_000,
    });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(r.error).toBe('ConfigError'); // stopped at its first line, after every static import
    expect(r.atStart).toEqual({ exceljs: false, dingtalkStream: false, lark: false, server: true });
    expect(r.afterExport.exceljs).toBe(true);
    expect(r.bytes).toBeGreaterThan(1000);
  }, 90_000);
});
