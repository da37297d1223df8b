import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ES module script without types
import { patchSource } from '../../scripts/patch-postgres.mjs';

const root = fileURLToPath(new URL('../../node_modules/postgres/', import.meta.url));

describe('postgres.js null-socket patch (scripts/patch-postgres.mjs)', () => {
  it('is applied to every build of the installed driver', () => {
    for (const dir of ['src', 'cjs/src', 'cf/src']) {
      const source = readFileSync(`${root}${dir}/connection.js`, 'utf8');
      expect(source, dir).toContain('null-socket guard');
      expect(source.match(/chunk = nextWriteTimer = null/g), dir).toHaveLength(4);
    }
  });

  it('is idempotent and refuses a source it does not recognise', () => {
    const patched = readFileSync(`${root}src/connection.js`, 'utf8');
    expect(patchSource(patched)).toBe(patched);
    expect(() => patchSource('function somethingElse() {}')).toThrow('unexpected connection.js');
  });
});
