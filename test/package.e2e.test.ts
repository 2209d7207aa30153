// What a stranger gets from the package: `npm pack`, install the tarball into an empty project, type-check a
// consumer with `strict` against the shipped declarations, import the library at run time, run the bin, and
// lint the tarball with publint. Needs `npm run build` first (as every e2e test does).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};
// npm's own output is noise here, and its update check would reach for the network.
const NPM_ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

let dir: string;
let tarball: string;

async function npm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run('npm', args, { cwd, env: NPM_ENV, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'index.js')), 'run `npm run build` first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'cg-hooks-consumer-'));
  // --ignore-scripts: `prepare` would rebuild dist/, which the test run has just built.
  const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  tarball = join(dir, info!.filename);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // The consumer needs Node's types as any TypeScript project does; the same major as ours.
  const install = ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball, `@types/node@${pkg.devDependencies['@types/node']}`];
  try {
    // Offline first: everything the package depends on is in npm's cache after this repo's own install...
    await npm([...install, '--offline'], dir);
  } catch {
    // ...unless the cache lacks a package document (a fresh CI cache); then the registry fills the gap.
    await npm([...install, '--prefer-offline'], dir);
  }
}, 90_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('passes publint with no errors', async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const data = readFileSync(tarball);
    const { messages, pkg: manifest } = await publint({
      pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer },
      level: 'warning',
    });
    const errors = messages.filter((m) => m.type === 'error').map((m) => formatMessage(m, manifest, { color: false }));
    expect(errors).toEqual([]);
  });

  it('ships only what a user needs: the bin, the bundles, the declarations, the fixtures', async () => {
    const { stdout } = await npm(['pack', '--ignore-scripts', '--dry-run', '--json'], ROOT);
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files).toContain('bin/cg-hooks.js');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/types/index.d.ts');
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('node_modules/'))).toEqual([]);
  });

  it('type-checks a strict consumer against the shipped declarations (no TS7016, no silent any)', async () => {
    writeFileSync(
      join(dir, 'consumer.ts'),
      [
        "import { generate, sign, verify, PROVIDER_IDS, type Delivery, type VerifyResult } from 'cg-hooks';",
        "const delivery: Delivery = await generate('mgpass', 'rewards.points_awarded', { seed: 1 });",
        "const { headers } = sign('mgpass', delivery.body, { secret: 's3cret' });",
        "const result: VerifyResult = verify('mgpass', { headers, body: delivery.body }, { secret: 's3cret' });",
        'const valid: boolean = result.valid;',
        // If the declarations were missing or resolved to `any`, this line would not be an error and tsc would fail.
        '// @ts-expect-error `valid` is a boolean',
        'const notText: string = result.valid;',
        'console.log(valid, notText, PROVIDER_IDS.length);',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          // Check the shipped .d.ts files too: an import of a module a consumer lacks would otherwise become `any`.
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir, timeout: 60_000 }).then(
      () => ({ code: 0, output: '' }),
      (e: { code?: number; stdout?: string }) => ({ code: e.code ?? -1, output: e.stdout ?? String(e) }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);

  it('imports the library at run time from the installed package', async () => {
    writeFileSync(
      join(dir, 'consumer.mjs'),
      [
        "import { generate, sign, verify, PROVIDER_IDS } from 'cg-hooks';",
        "const delivery = await generate('mgpass', 'rewards.points_awarded', { seed: 1 });",
        "const { headers } = sign('mgpass', delivery.body, { secret: 's3cret' });",
        "const good = verify('mgpass', { headers, body: delivery.body }, { secret: 's3cret' }).valid;",
        "const bad = verify('mgpass', { headers, body: delivery.body + ' ' }, { secret: 's3cret' }).valid;",
        'console.log(JSON.stringify({ good, bad, providers: PROVIDER_IDS.length }));',
        '',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: dir, timeout: 20_000 });
    const out = JSON.parse(stdout) as { good: boolean; bad: boolean; providers: number };
    expect(out).toMatchObject({ good: true, bad: false });
    expect(out.providers).toBeGreaterThan(5);
  });

  it('runs the installed bin: --version, generate, and demo (which loads the lazily imported HTTP client)', async () => {
    const bin = join(dir, 'node_modules', '.bin', 'cg-hooks');
    const env = { ...process.env, NO_COLOR: '1', CI: 'true' };
    const version = await run(bin, ['--version'], { cwd: dir, env, timeout: 20_000 });
    expect(version.stdout.trim()).toBe(pkg.version);
    const generated = await run(bin, ['generate', 'mgpass', 'rewards.points_awarded', '--seed', '1'], { cwd: dir, env, timeout: 20_000 });
    expect(JSON.parse(generated.stdout)).toMatchObject({ event_type: 'rewards.points_awarded' });
    const demo = await run(bin, ['demo', '--provider', 'mgpass', '--json'], { cwd: dir, env, timeout: 30_000 });
    const report = JSON.parse(demo.stdout) as { rows: Array<{ ok: boolean }> };
    expect(report.rows.length).toBeGreaterThan(0);
    expect(report.rows.every((r) => r.ok)).toBe(true);
  }, 60_000);
});
