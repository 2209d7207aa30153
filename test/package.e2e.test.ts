// What a stranger gets from the package: `npm pack`, install the tarball into an empty project, type-check a
// consumer with `strict` against the shipped declarations, import the library at run time, run the bin, and
// lint the tarball with publint. Needs `npm run build` first (as every e2e test does).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
let packedFiles: string[];

/** The ```sh blocks of docs/ci.md: the install line of the tarball form, and the CI recipe, are run verbatim. */
const CI_DOC = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8');
const SHELL_BLOCKS = [...CI_DOC.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
const INSTALL_LINE = SHELL_BLOCKS.flatMap((b) => b.split('\n')).find((l) => l.startsWith('npm install --save-dev ./vendor/'));
const RECIPE = SHELL_BLOCKS.find((b) => b.includes('cg-hooks test'));

async function npm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run('npm', args, { cwd, env: NPM_ENV, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
}

/** Runs an install offline first (npm's cache has everything after this repo's own install), else lets the registry fill gaps. */
async function install(command: string, cwd: string, timeoutMs = 60_000): Promise<void> {
  const go = (mode: Record<string, string>) => run('bash', ['-c', command], { cwd, env: { ...NPM_ENV, ...mode }, maxBuffer: 16 * 1024 * 1024, timeout: timeoutMs });
  try {
    await go({ npm_config_offline: 'true' });
  } catch {
    // A fresh CI cache may lack a package document: the registry is then asked.
    await go({ npm_config_prefer_offline: 'true' });
  }
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'index.js')), 'run `npm run build` first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'cg-hooks-user-project-'));
  mkdirSync(join(dir, 'vendor'));
  // --ignore-scripts: `prepare` would rebuild dist/, which the test run has just built.
  const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', join(dir, 'vendor')], ROOT);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(dir, 'vendor', info!.filename);
  packedFiles = info!.files.map((f) => f.path);
  // The docs name the tarball npm pack really writes.
  expect(INSTALL_LINE).toBe(`npm install --save-dev ./vendor/${info!.filename}`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
  // As a user following docs/ci.md would: the tarball form, verbatim.
  await install(INSTALL_LINE!, dir);
  // The consumer type-check needs Node's types, as any TypeScript project does (the same major as ours).
  await install(`npm install --save-dev --no-audit --no-fund @types/node@${pkg.devDependencies['@types/node']}`, dir);
}, 120_000);

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

  it('ships only what a user needs: the bin, the bundles, the declarations, the fixtures', () => {
    const files = packedFiles;
    expect(files).toContain('bin/cg-hooks.js');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/types/index.d.ts');
    for (const entry of ['testing', 'vitest']) {
      expect(files).toContain(`dist/${entry}.js`);
      expect(files).toContain(`dist/types/${entry}.d.ts`);
    }
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('node_modules/'))).toEqual([]);
  });

  // Before vitest is installed (the type-check below installs it): cg-hooks/testing must not need it.
  it('runs a tiny conform() from cg-hooks/testing at run time, with no vitest installed', async () => {
    expect(existsSync(join(dir, 'node_modules', 'vitest'))).toBe(false);
    writeFileSync(
      join(dir, 'conform.mjs'),
      [
        "import { createHmac } from 'node:crypto';",
        "import http from 'node:http';",
        "import { conform, deliveryCases, signedRequest } from 'cg-hooks/testing';",
        "const secret = 's3cret';",
        'const sig = (body) => createHmac("sha256", secret).update(body).digest("hex");',
        'const receiver = (verify) => (req, res) => {',
        '  const chunks = [];',
        '  req.on("data", (c) => chunks.push(c));',
        '  req.on("end", () => {',
        '    const body = Buffer.concat(chunks);',
        '    if (verify && req.headers["x-webhook-signature"] !== sig(body)) return void res.writeHead(401).end();',
        '    try { JSON.parse(body.toString()); } catch { return void res.writeHead(400).end(); }',
        '    res.writeHead(200).end();',
        '  });',
        '};',
        "const options = { provider: 'mgpass', secret, events: ['rewards.points_awarded'] };",
        'const good = await conform(http.createServer(receiver(true)), options);',
        'const bad = await conform(receiver(false), options);',
        'const fetched = await conform(async (r) => {',
        '  const body = Buffer.from(await r.arrayBuffer());',
        '  if (r.headers.get("x-webhook-signature") !== sig(body)) return new Response(null, { status: 401 });',
        '  try { JSON.parse(body.toString()); } catch { return new Response(null, { status: 400 }); }',
        '  return new Response(null, { status: 200 });',
        '}, options);',
        "const request = await signedRequest({ provider: 'mgpass', event: 'rewards.points_awarded', url: 'http://localhost/hook', secret });",
        "const cases = await deliveryCases({ ...options, url: 'http://localhost/hook' });",
        'let vitest = "loaded";',
        "await import('cg-hooks/vitest').catch((e) => (vitest = e.code));",
        'console.log(JSON.stringify({',
        '  good: good.ok, bad: bad.ok, fetched: fetched.ok, failed: bad.cases.filter((c) => c.verdict === "fail").map((c) => c.name),',
        '  signed: request.headers.get("x-webhook-signature") === sig(Buffer.from(await request.arrayBuffer())), cases: cases.length, vitest,',
        '}));',
        '',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, ['conform.mjs'], { cwd: dir, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({
      good: true,
      bad: false,
      fetched: true,
      failed: ['wrong-secret', 'missing-signature', 'tampered-body', 'truncated-signature', 'garbage-signature'],
      signed: true,
      cases: 9,
      // The optional peer: only cg-hooks/vitest needs it.
      vitest: 'ERR_MODULE_NOT_FOUND',
    });
  }, 40_000);

  it('type-checks a strict consumer against the shipped declarations (no TS7016, no silent any)', async () => {
    // cg-hooks/vitest's declarations augment vitest's: a consumer of the matcher has vitest (our version).
    await install(`npm install --no-save --no-audit --no-fund vitest@${pkg.devDependencies.vitest}`, dir, 120_000);
    writeFileSync(
      join(dir, 'consumer.ts'),
      [
        "import { generate, sign, verify, PROVIDER_IDS, type Delivery, type VerifyResult, type MgpassEvent, type MgpassRewardsPointsAwarded, type RehookCustomerRewarded } from 'cg-hooks';",
        "import { conform, deliveryCases, describeReport, signedRequest, type ConformReport, type DeliveryCase } from 'cg-hooks/testing';",
        "import { expect } from 'vitest';",
        "import 'cg-hooks/vitest';",
        "const delivery: Delivery = await generate('mgpass', 'rewards.points_awarded', { seed: 1 });",
        "const { headers } = sign('mgpass', delivery.body, { secret: 's3cret' });",
        "const result: VerifyResult = verify('mgpass', { headers, body: delivery.body }, { secret: 's3cret' });",
        'const valid: boolean = result.valid;',
        // If the declarations were missing or resolved to `any`, this line would not be an error and tsc would fail.
        '// @ts-expect-error `valid` is a boolean',
        'const notText: string = result.valid;',
        'console.log(valid, notText, PROVIDER_IDS.length);',
        // The event types: one per event, a union per provider.
        'const event = delivery.payload as MgpassRewardsPointsAwarded;',
        'const points: number = event.data.points;',
        'const anyMgpass: MgpassEvent = event;',
        "// @ts-expect-error a Rehook event's name is one of its events",
        "const rehook: RehookCustomerRewarded['event_name'] = 'order_success';",
        // cg-hooks/testing: a WHATWG Request, cases as data, the report typed.
        "const request: Request = await signedRequest({ provider: 'mgpass', event: 'rewards.points_awarded', url: 'http://localhost/hook', secret: 's3cret', set: { 'data.points': 250 } });",
        "const cases: DeliveryCase[] = await deliveryCases({ provider: 'mgpass', secret: 's3cret', url: 'http://localhost/hook' });",
        "const expectation: '2xx' | '200' | '4xx' | '401/403' = cases[0]!.expect;",
        "const handler = async (r: Request): Promise<Response> => new Response(null, { status: r.method === 'POST' ? 200 : 405 });",
        "const report: ConformReport = await conform(handler, { provider: 'mgpass', secret: 's3cret', path: '/hook' });",
        'const text: string = describeReport(report);',
        '// @ts-expect-error `ok` is a boolean',
        'const okText: string = report.ok;',
        "// @ts-expect-error `provider` is required",
        "await conform('http://localhost/hook', { secret: 's3cret' });",
        // cg-hooks/vitest: the matcher is on vitest's Assertion, and checks its options.
        "await expect(handler).toConform({ provider: 'mgpass', secret: 's3cret' });",
        "await expect(handler).not.toConform({ provider: 'mgpass', secret: 's3cret', only: ['valid'] });",
        '// @ts-expect-error toConform takes options',
        'await expect(handler).toConform();',
        'console.log(points, anyMgpass, rehook, request.url, expectation, text, okText);',
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
          // Checking every library's .d.ts would triple the time; what could go wrong in ours (an import a
          // consumer cannot resolve, silently `any`) is checked by the next test.
          skipLibCheck: true,
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

  it('the shipped declarations import only what a consumer has: our runtime dependencies, node: built-ins, and files that exist', () => {
    const root = join(dir, 'node_modules', 'cg-hooks');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
    const declarations = packedFiles.filter((f) => f.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const file of declarations) {
      // Comments may quote imports (`import … from 'cg-hooks'` in a doc comment): only code counts.
      const text = readFileSync(join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      for (const [, spec] of text.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
        if (spec!.startsWith('.')) {
          const target = join(dirname(join(root, file)), spec!.replace(/\.js$/, '.d.ts'));
          if (!existsSync(target)) problems.push(`${file}: ${spec} (no ${target})`);
        } else if (!spec!.startsWith('node:')) {
          const name = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
          // A peer (vitest) is imported only by the entry point that needs it (dist/types/vitest.d.ts).
          const peerOk = name in manifest.peerDependencies && file === `dist/types/${name}.d.ts`;
          if (!(name in manifest.dependencies) && !peerOk) problems.push(`${file}: ${spec} is not a dependency`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

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
    // `--count` on worker threads: their entry (dist/cli/generate-worker.cjs) is shipped and runs from the install.
    const threaded = (threads: string, extra = {}) => run(bin, ['generate', 'mgpass', 'rewards.points_awarded', '--seed', '1', '--count', '2000', '--threads', threads], { cwd: dir, env: { ...env, ...extra }, timeout: 20_000 });
    expect((await threaded('3', { CG_HOOKS_TEST_WORKERS_ONLY: '1' })).stdout).toBe((await threaded('1')).stdout);
    const demo = await run(bin, ['demo', '--provider', 'mgpass', '--json'], { cwd: dir, env, timeout: 30_000 });
    const report = JSON.parse(demo.stdout) as { rows: Array<{ ok: boolean }> };
    expect(report.rows.length).toBeGreaterThan(0);
    expect(report.rows.every((r) => r.ok)).toBe(true);
  }, 60_000);
});

/** The user's receiver (server.js): CustomerGlu's X-CG-SIGNATURE checked over the raw bytes, or (`verifies` false) nothing checked. */
const SERVER = (verifies: boolean) => `import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
const secret = process.env.WEBHOOK_SECRET;
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const expected = Buffer.from(createHmac('sha1', secret).update(body).digest('hex'));
    const given = Buffer.from(String(req.headers['x-cg-signature'] ?? ''));
    const ok = ${verifies ? 'given.length === expected.length && timingSafeEqual(given, expected)' : 'true'};
    if (!ok) return res.writeHead(401).end('bad signature');
    try { JSON.parse(body.toString('utf8')); } catch { return res.writeHead(400).end('not JSON'); }
    res.writeHead(200).end('ok');
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Runs docs/ci.md's shell recipe, verbatim, with bash in the user's project. */
async function runRecipe(): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', RECIPE!], { cwd: dir, env: { ...process.env, PORT: String(port), NO_COLOR: '1', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => (clearTimeout(killer), resolve({ code, output })));
  });
}

describe('docs/ci.md, run verbatim in a project that installed the tarball as the page says', () => {
  it('records the tarball in package.json as the page says', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(manifest.devDependencies['cg-hooks']).toBe(`file:vendor/${tarball.split('/').pop()}`);
    expect(CI_DOC).toContain(`"cg-hooks": "file:vendor/${tarball.split('/').pop()}"`);
  });

  it('the recipe passes a receiver that verifies signatures, and fails the job for one that does not', async (ctx) => {
    if (spawnSync('curl', ['--version']).error) return ctx.skip('curl is not installed: the recipe waits for the receiver with curl');
    expect(RECIPE).toBeDefined();
    writeFileSync(join(dir, 'server.js'), SERVER(true));
    const good = await runRecipe();
    expect(good.code, good.output).toBe(0);
    expect(readFileSync(join(dir, 'report.xml'), 'utf8')).toMatch(/<testsuite [^>]*failures="0"/);
    writeFileSync(join(dir, 'server.js'), SERVER(false));
    const bad = await runRecipe();
    expect(bad.code, bad.output).toBe(1);
    expect(bad.output).toMatch(/wrong-secret/);
  }, 90_000);
});

// The git form of docs/ci.md builds cg-hooks on install (npm installs its devDependencies first): minutes, so
// opt-in. CG_HOOKS_TEST_GIT_DEPENDENCY=1 npx vitest run test/package.e2e.test.ts
describe.runIf(process.env.CG_HOOKS_TEST_GIT_DEPENDENCY === '1')('docs/ci.md, the git form (a file:// clone stands in for GitHub)', () => {
  it('installs from a commit, builds on install, and runs', async () => {
    const head = (await run('git', ['rev-parse', 'HEAD'], { cwd: ROOT })).stdout.trim();
    const project = mkdtempSync(join(tmpdir(), 'cg-hooks-git-user-'));
    try {
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true }));
      await install(`npm install --save-dev --no-audit --no-fund git+file://${ROOT.replace(/\/$/, '')}#${head}`, project, 540_000);
      const version = await run(join(project, 'node_modules', '.bin', 'cg-hooks'), ['generate', 'mgpass', 'rewards.points_awarded', '--seed', '1'], { cwd: project });
      expect(JSON.parse(version.stdout)).toMatchObject({ event_type: 'rewards.points_awarded' });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 600_000);
});
