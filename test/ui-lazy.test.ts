// Start-up cost: --version, --help, generate and `listen` without --ui must not load the inspector. Checked on
// the built bundle: the files reachable by static imports from the CLI entry, and from the listen command's
// chunk, hold none of the inspector's code; the inspector is reached only through a dynamic import.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
/** Strings that only the inspector's server code holds. */
const MARKERS = ['x-cg-hooks-token', 'dist/ui/index.html'];

const STATIC = /(?:^|[;\s}])import\s*(?:[\w*${}\s,]+from\s*)?["'](\.[^"']+)["']/g;
const DYNAMIC = /import\(\s*["'](\.[^"']+)["']\s*\)/g;

function imports(file: string, re: RegExp): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(re)].map((m) => resolve(dirname(file), m[1]!));
}

function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...imports(f, STATIC));
  }
  return seen;
}

const holdsInspector = (file: string) => MARKERS.some((m) => readFileSync(file, 'utf8').includes(m));

describe.runIf(existsSync(join(DIST, 'cli.js')))('the inspector is loaded only with --ui', () => {
  it('is not reachable by static imports from the CLI entry', () => {
    const files = staticClosure(join(DIST, 'cli.js'));
    expect(files.size).toBeGreaterThan(1);
    expect([...files].filter(holdsInspector)).toEqual([]);
  });

  it('is not reachable by static imports from the listen command, only through its dynamic import', () => {
    const cli = join(DIST, 'cli.js');
    const listen = imports(cli, DYNAMIC).find((f) => readFileSync(f, 'utf8').includes('run a receiver: print, validate'));
    expect(listen).toBeDefined();
    const closure = staticClosure(listen!);
    expect([...closure].filter(holdsInspector)).toEqual([]);
    const lazy = [...closure].flatMap((f) => imports(f, DYNAMIC)).filter((f) => [...staticClosure(f)].some(holdsInspector));
    expect(lazy.length).toBeGreaterThan(0); // the positive control: the markers do find the inspector
  });
});
