// docs/testing.md shows the files of test/testing-examples/ verbatim (the vitest ones run as part of this suite,
// importing `cg-hooks/testing` and `cg-hooks/vitest` from the built package as a user would); the node:test example
// runs here with `node --test`. Needs `npm run build` first.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs', 'testing.md'), 'utf8');
const EXAMPLES = join(ROOT, 'test', 'testing-examples');
const shown = [...DOC.matchAll(/<!-- example: (\S+) -->\n```(\w+)\n([\s\S]*?)```\n/g)].map((m) => ({ path: m[1]!, lang: m[2]!, code: m[3]! }));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [relative(ROOT, join(dir, e.name))]));
}

describe('docs/testing.md', () => {
  it('shows every example file, verbatim', () => {
    expect(shown.map((s) => s.path).sort()).toEqual(files(EXAMPLES).sort());
    for (const s of shown) {
      expect(s.code, s.path).toBe(readFileSync(join(ROOT, s.path), 'utf8'));
      expect(s.lang, s.path).toBe(s.path.endsWith('.ts') ? 'ts' : 'js');
    }
  });

  it('the node:test example passes with `node --test`, against the built package', async () => {
    expect(existsSync(join(ROOT, 'dist', 'testing.js')), 'run `npm run build` first').toBe(true);
    const run = await promisify(execFile)(process.execPath, ['--test', join(EXAMPLES, 'node-test', 'webhook.test.mjs')], { cwd: ROOT, timeout: 60_000 }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    expect(run.out).toMatch(/# pass 1/);
    expect(run.code, run.out).toBe(0);
  }, 60_000);
});
