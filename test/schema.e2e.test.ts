import { Validator } from '@seriousme/openapi-schema-validator';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

// The built binary as a user runs it, and the packed types as a consumer project sees them.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cg-hooks-schema-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('cg-hooks schema', () => {
  it('prints one event\'s JSON Schema on stdout, nothing on stderr', async () => {
    const r = await runCli(['schema', 'rehook', 'customer.rewarded']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { $schema: string; title: string };
    expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.title).toBe('RehookCustomerRewarded');
  });

  it('--all --format openapi -o webhooks.yaml writes YAML that passes the OpenAPI 3.1 validator', async () => {
    const r = await runCli(['schema', '--all', '--format', 'openapi', '-o', 'webhooks.yaml'], { cwd: work });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/wrote webhooks\.yaml: OpenAPI 3\.1 as YAML, \d+ events/);
    const text = readFileSync(join(work, 'webhooks.yaml'), 'utf8');
    expect(text.startsWith('openapi: 3.1.0\n')).toBe(true);
    expect(text).not.toMatch(/^\s*[^#\n]*[&*]a\d+\b/m); // no YAML anchors or aliases
    const result = await new Validator().validate(parse(text) as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('-o file.json writes JSON; --format typescript prints declarations', async () => {
    const json = await runCli(['schema', 'mgpass', '--format', 'openapi', '-o', 'mgpass.json'], { cwd: work });
    expect(json.code).toBe(0);
    expect((JSON.parse(readFileSync(join(work, 'mgpass.json'), 'utf8')) as { openapi: string }).openapi).toBe('3.1.0');
    const types = await runCli(['schema', 'mgpass', '--format', 'typescript']);
    expect(types.code).toBe(0);
    expect(types.stdout).toMatch(/^\/\/ Webhook payload types, from `cg-hooks schema mgpass --format typescript`/);
    expect(types.stdout).toContain('export type MgpassEvent =');
    expect(types.stdout).toContain('export type MgpassIdentityEvent =');
  });

  it.each([
    [['schema'], /name a provider .* or pass --all/],
    [['schema', '--all', 'rehook'], /--all covers every provider/],
    [['schema', 'rehook', '--format', 'openapj'], /unknown format "openapj" \(did you mean "openapi"\?\)/],
    [['schema', 'rehok'], /unknown provider "rehok" \(did you mean "rehook"\?\)/],
    [['schema', 'rehook', 'customer.rewardd'], /unknown event "customer\.rewardd"/],
    [['schema', 'rehook', '-o', 'no/such/dir/x.json'], /cannot write no\/such\/dir\/x\.json: ENOENT/],
  ])('%j: one line, exit 2', async (args, message) => {
    const r = await runCli(args, { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('--json errors are JSON on stdout', async () => {
    const r = await runCli(['schema', 'nope', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'unknown_provider' } });
  });

  it('every example in --help runs', async () => {
    const help = await runCli(['schema', '--help']);
    const examples = help.stdout.split('\n').filter((l) => l.trim().startsWith('$ cg-hooks'));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    const dir = join(work, 'help');
    mkdirSync(dir);
    for (const line of examples) {
      const args = line.trim().slice('$ cg-hooks '.length).replace(/#.*$/, '').trim().split(/\s+/);
      const r = await runCli(args, { cwd: dir });
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
    }
  });
});

describe('the package\'s exported types, as a consumer project sees them', () => {
  it('type-checks event types, unions and the catalog map imported from "cg-hooks"', () => {
    const project = join(work, 'consumer');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(project, 'node_modules', 'cg-hooks'), 'dir');
    expect(existsSync(join(ROOT, 'dist/types/events.d.ts')), 'run `npm run build` first').toBe(true);
    writeFileSync(join(project, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(project, 'receiver.ts'),
      `import type { MgpassEvent, MgpassRewardsEvent, MgpassIdentityEvent, MgpassEvents, RehookCustomerRewarded, EventPayload, ClevertapEvent } from 'cg-hooks';
import { schema } from 'cg-hooks';

export function pointsOf(event: MgpassRewardsEvent): number {
  switch (event.event_type) {
    case 'rewards.points_awarded':
      return event.data.points;
    case 'rewards.tier_promoted': {
      const multiplier: 1.5 | 2 | 3 = event.data.multiplier; // narrowed by the tier rules
      return multiplier;
    }
    default:
      return 0;
  }
}
export const kindOf = (e: MgpassEvent): string => ('event_type' in e ? e.event_type : e.type);
export const loginUser = (e: MgpassIdentityEvent): string | null => (e.type === 'user.login.success' ? e.data.user_id : null);
export const credit = (body: RehookCustomerRewarded): number => body.metadata.points;
export type Trigger = EventPayload<'reward', 'trigger_event.created'>;
export type Cashback = MgpassEvents['cashback.processed']['data']['net_amount'];
export const targetOf = (b: ClevertapEvent): number => b.targetId;
// @ts-expect-error: not an event of reward
export type Nope = EventPayload<'reward', 'nope'>;
export const load = () => schema({ provider: 'mgpass', format: 'json-schema' });
`,
    );
    const program = ts.createProgram([join(project, 'receiver.ts')], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: [],
      skipLibCheck: true,
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
  });
});
