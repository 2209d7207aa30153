// The text of the exported files other than the corpus: the Artillery script, the processor, its config and
// the directory's README. Pure functions of the export's settings.
import artilleryVersion from './artillery-version.json' with { type: 'json' };
import { processorRuntime } from './processor-runtime.js';
import type { ProcessorSigning } from './signing-config.js';

/** The Artillery release the exported directory is made for (and that the e2e test runs). */
export const ARTILLERY_VERSION: string = artilleryVersion.version;

export const FILES = { script: 'load-test.yml', processor: 'processor.cjs', config: 'cg-hooks.json', corpus: 'corpus.ndjson', readme: 'README.md' } as const;

export interface Thresholds {
  p95Ms: number;
  p99Ms: number;
  /** Percent of virtual users that failed: no answer, or an answer the provider would not count as success. */
  maxErrorRatePct: number;
}

export interface ScriptSettings {
  madeBy: string;
  provider: string;
  events: string[];
  /** The receiver: the origin becomes Artillery's target, the rest the request's url. */
  to: URL;
  rate: number;
  durationS: number;
  rampS: number;
  dupRatio: number;
  timeoutS: number;
  thresholds: Thresholds;
  secretEnv: string;
  signing: ProcessorSigning;
  /** Provider headers every delivery carries (Content-Type, User-Agent). */
  headers: Record<string, string>;
  success: '2xx' | '200';
  corpusSize: number;
  seed?: string | number;
}

const q = (text: string) => JSON.stringify(text); // a JSON string is a valid YAML double-quoted scalar

export function phases(s: Pick<ScriptSettings, 'rate' | 'durationS' | 'rampS'>): Array<Record<string, string | number>> {
  const sustain = { name: 'sustain', duration: s.durationS - s.rampS, arrivalRate: s.rate };
  if (s.rampS === 0) return [sustain];
  return [{ name: 'ramp', duration: s.rampS, arrivalRate: 1, rampTo: s.rate }, sustain];
}

export function scriptYaml(s: ScriptSettings): string {
  const path = `${s.to.pathname}${s.to.search}`;
  const phaseLines = phases(s).flatMap((p) => {
    const [first, ...rest] = Object.entries(p).map(([k, v]) => `${k}: ${typeof v === 'string' ? q(v) : v}`);
    return [`    - ${first}`, ...rest.map((l) => `      ${l}`)];
  });
  return [
    `# Artillery test script made by ${s.madeBy} for Artillery ${ARTILLERY_VERSION}: ${s.provider} ${s.events.join(', ')} deliveries.`,
    `# Run it with: ${s.secretEnv}=… npx artillery@${ARTILLERY_VERSION} run ${FILES.script}   (README.md has the distributed form)`,
    '# Every request is built, signed and checked by processor.cjs; --target on the command line points it elsewhere.',
    'config:',
    `  target: ${q(s.to.origin)}`,
    `  processor: ${q(`./${FILES.processor}`)}`,
    '  # Read by the processor at run time: shipped to every load generator in distributed runs.',
    '  includeFiles:',
    `    - ${q(FILES.config)}`,
    `    - ${q(FILES.corpus)}`,
    '  http:',
    `    timeout: ${s.timeoutS}`,
    '  phases:',
    ...phaseLines,
    '  plugins:',
    '    ensure: {}',
    '  # Artillery exits 1 when one of these fails. Errors: no answer, or an answer the provider would not count as success.',
    '  ensure:',
    '    thresholds:',
    `      - "http.response_time.p95": ${s.thresholds.p95Ms}`,
    `      - "http.response_time.p99": ${s.thresholds.p99Ms}`,
    `    maxErrorRate: ${s.thresholds.maxErrorRatePct}`,
    'scenarios:',
    `  - name: ${q(`${s.provider} deliveries`)}`,
    '    flow:',
    '      - post:',
    `          url: ${q(path)}`,
    '          beforeRequest: "signDelivery"',
    '          afterResponse: "checkAcknowledged"',
    '',
  ].join('\n');
}

/** cg-hooks.json: what the processor signs and sends. Holds the variable's name, never its value. */
export function processorConfig(s: ScriptSettings): string {
  const config = {
    madeBy: s.madeBy,
    artillery: ARTILLERY_VERSION,
    provider: s.provider,
    events: s.events,
    corpus: FILES.corpus,
    secretEnv: s.secretEnv,
    dupRatio: s.dupRatio,
    success: s.success,
    headers: s.headers,
    signing: s.signing,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function processorSource(madeBy: string, secretEnv: string): string {
  return [
    `// Artillery processor made by ${madeBy} for Artillery ${ARTILLERY_VERSION}. CommonJS, which every Artillery 2`,
    '// release loads (require() in older ones, import() in newer ones). Self-contained: Node built-ins only.',
    '// For every virtual user it takes a delivery from corpus.ndjson, gives it fresh ids and timestamps, signs it',
    `// as the provider does (the secret comes from $${secretEnv}, never from a file) and sends a share as exact`,
    '// duplicates of earlier deliveries. Settings are in cg-hooks.json. Export again rather than editing this file.',
    "'use strict';",
    `(${processorRuntime.toString()})(module.exports, require, __dirname, process.env);`,
    '',
  ].join('\n');
}
