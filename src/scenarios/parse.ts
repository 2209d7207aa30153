// Reads a scenario file (YAML, or JSON, which YAML 1.2 also reads) and checks it, pointing every problem at
// its line and column. The YAML tree is walked directly rather than its plain-object form, so each value
// keeps its position.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { lineColumn, nestedPast } from '../core/json.js';
import { MAX_DEPTH, parsePath } from '../core/paths.js';
import { didYouMean } from '../core/suggest.js';
import { UsageError } from '../output/errors.js';
import { checkDuration } from '../core/duration.js';
import { LIMITS, type EventStep, type Expect, type LedgerSpec, type Scenario, type Step, type Where } from './model.js';
import { findReferences } from './refs.js';

export class ScenarioError extends UsageError {
  constructor(
    readonly source: string,
    readonly where: Where,
    readonly detail: string,
    hint?: string,
  ) {
    super('bad_scenario', `${source}:${where.line}:${where.col}: ${detail}`, hint ?? 'see `cg-hooks scenario show mgpass-points` for a complete example, and docs/scenario.md for the format');
  }
}

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const STEP_ID = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const TOP_KEYS = ['name', 'provider', 'description', 'steps', 'ledger'];
const EVENT_KEYS = ['id', 'event', 'variant', 'set', 'merge', 'unset', 'count', 'delay', 'expect', 'ledger', 'description'];
const REPEAT_KEYS = ['id', 'repeat', 'delay', 'expect', 'description'];
const LEDGER_KEYS = ['user', 'amount', 'events', 'unit', 'key'];

class Reader {
  readonly lines = new LineCounter();
  doc!: Document.Parsed;

  constructor(readonly source: string) {}

  where(node: Node | Pair | null | undefined, fallback: Where = { line: 1, col: 1 }): Where {
    const range = node && 'range' in node ? node.range : node && 'key' in node && isScalar(node.key) ? node.key.range : undefined;
    if (!range) return fallback;
    const { line, col } = this.lines.linePos(range[0]);
    return { line, col };
  }

  fail(node: Node | Pair | null | undefined, message: string, hint?: string): never {
    throw new ScenarioError(this.source, this.where(node), message, hint);
  }

  /** The map's entries by key, after checking every key is one of `allowed`. */
  entries(node: Node | null | undefined, what: string, allowed: readonly string[]): Map<string, { pair: Pair; value: Node | null }> {
    if (!isMap(node)) this.fail(node, `${what} must be a mapping (key: value lines)`);
    const out = new Map<string, { pair: Pair; value: Node | null }>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) this.fail(pair.key as Node, `${what}: keys must be plain names`);
      if (!allowed.includes(key)) {
        const guess = didYouMean(key, allowed);
        this.fail(pair.key as Node, `${what}: unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}; allowed: ${allowed.join(', ')}`);
      }
      out.set(key, { pair, value: (pair.value as Node | null) ?? null });
    }
    return out;
  }

  text(node: Node | null | undefined, what: string): string {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') this.fail(node, `${what} must be non-empty text`);
    return node.value;
  }

  toJs(node: Node | null): unknown {
    try {
      return node === null ? null : node.toJS(this.doc, { maxAliasCount: 1000 });
    } catch (e) {
      this.fail(node, `cannot read this value: ${(e as Error).message}`);
    }
  }

  path(node: Node | null | undefined, what: string, allowMinus = false): string {
    const text = this.text(node, what);
    try {
      parsePath(allowMinus && text.startsWith('-') ? text.slice(1) : text);
    } catch (e) {
      this.fail(node, `${what}: ${(e as Error).message}`);
    }
    return text;
  }
}

function parseExpect(r: Reader, node: Node | null): Expect {
  const items = isSeq(node) ? (node.items as Node[]) : [node];
  if (items.length === 0) r.fail(node, 'expect: give at least one status');
  const classes: number[] = [];
  const statuses: number[] = [];
  for (const item of items) {
    const v = isScalar(item) ? item.value : undefined;
    if (v === 'refused') {
      if (items.length > 1) r.fail(item, 'expect: "refused" (cg-hooks must refuse the payload locally) cannot be combined with statuses');
      return { kind: 'refused' };
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) statuses.push(v);
    else if (typeof v === 'string' && /^[1-5]xx$/i.test(v)) classes.push(Number(v[0]));
    else if (typeof v === 'string' && /^[1-5]\d\d$/.test(v)) statuses.push(Number(v));
    else r.fail(item, `expect: "${String(v)}" is not a status; use 2xx, 4xx, 200, a list such as [200, 409], or refused`);
  }
  return { kind: 'class', classes, statuses };
}

function parseDelay(r: Reader, node: Node | null): number {
  const v = isScalar(node) ? node.value : undefined;
  // The grammar of every duration flag: a bare number is seconds (YAML reads `delay: 2` as the number 2).
  const r2 = typeof v === 'number' || typeof v === 'string' ? checkDuration(String(v), { maxMs: LIMITS.delayMs, bareMaxMs: 120_000 }) : undefined;
  if (r2 === undefined || 'problem' in r2) return r.fail(node, `delay: ${r2 && !r2.problem.startsWith('"') ? r2.problem : `"${String(v)}" is not a duration (200ms, 1.5s, 2m; a bare number is seconds)`}`);
  return r2.ms;
}

function parseLedgerRule(r: Reader, node: Node | null, what: string, keys: readonly string[]) {
  const e = r.entries(node, what, keys);
  const out: { user?: string; amount?: string } = {};
  if (e.has('user')) out.user = r.path(e.get('user')!.value, `${what}.user`);
  if (e.has('amount')) out.amount = r.path(e.get('amount')!.value, `${what}.amount`, true);
  return { e, out };
}

function parseLedger(r: Reader, node: Node | null): LedgerSpec {
  const { e, out } = parseLedgerRule(r, node, 'ledger', LEDGER_KEYS);
  if (out.user === undefined) r.fail(node, 'ledger: needs `user:` (the path of the user id in each delivery, e.g. data.user_id)');
  if (out.amount === undefined) r.fail(node, 'ledger: needs `amount:` (the path of what each delivery credits, e.g. data.points)');
  const spec: LedgerSpec = { user: out.user, amount: out.amount, unit: 'points', where: r.where(node) };
  if (e.has('unit')) spec.unit = r.text(e.get('unit')!.value, 'ledger.unit');
  if (e.has('key')) spec.key = r.text(e.get('key')!.value, 'ledger.key');
  if (e.has('events')) {
    const events = e.get('events')!.value;
    if (!isSeq(events) || events.items.length === 0) r.fail(events, 'ledger.events must be a list of event names');
    spec.events = (events.items as Node[]).map((n) => r.text(n, 'ledger.events'));
  }
  return spec;
}

function parseStep(r: Reader, node: Node, index: number, earlier: Map<string, Step>): Step {
  if (!isMap(node)) r.fail(node, `steps[${index}] must be a mapping with id: and event: (or repeat:)`);
  const isRepeat = node.items.some((p) => isScalar(p.key) && p.key.value === 'repeat');
  const what = `steps[${index}]`;
  const e = r.entries(node, what, isRepeat ? REPEAT_KEYS : EVENT_KEYS);
  if (!e.has('id')) r.fail(node, `${what}: needs an \`id:\` (used by repeat: and \${id.path} references)`);
  const idNode = e.get('id')!.value;
  const id = r.text(idNode, 'id');
  if (!STEP_ID.test(id)) r.fail(idNode, `id "${id}": use letters, digits, _ and - (starting with a letter), at most 64 characters`);
  if (earlier.has(id)) r.fail(idNode, `id "${id}" is already used by an earlier step`);
  const base = {
    id,
    index,
    where: r.where(node),
    delayMs: e.has('delay') ? parseDelay(r, e.get('delay')!.value) : 0,
    expect: e.has('expect') ? parseExpect(r, e.get('expect')!.value) : { kind: 'class' as const, classes: [2], statuses: [], implicit: true },
  };
  if (isRepeat) {
    const target = e.get('repeat')!.value;
    const name = r.text(target, 'repeat');
    const step = earlier.get(name);
    if (!step) {
      const guess = didYouMean(name, [...earlier.keys()]);
      r.fail(target, `repeat: no earlier step "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; a step can repeat only a step above it`);
    }
    if (base.expect.kind === 'refused') r.fail(e.get('expect')!.value, 'expect: refused makes no sense on a repeat (the delivery was already built)');
    return { ...base, kind: 'repeat', repeat: step.kind === 'repeat' ? step.repeat : step.id };
  }
  if (!e.has('event')) r.fail(node, `${what}: needs \`event:\` (an event of the provider) or \`repeat:\` (an earlier step's id)`);
  const step: EventStep = { ...base, kind: 'event', event: r.text(e.get('event')!.value, 'event'), set: [], unset: [], count: 1 };
  if (e.has('variant')) step.variant = r.text(e.get('variant')!.value, 'variant');
  if (e.has('set')) {
    const set = e.get('set')!.value;
    if (!isMap(set)) r.fail(set, 'set: must be a mapping of path: value, e.g. { data.points: 150 }');
    for (const pair of set.items) {
      const path = r.path(pair.key as Node, 'set');
      step.set.push({ path, value: r.toJs(pair.value as Node | null), where: r.where(pair.key as Node) });
    }
  }
  if (e.has('merge')) {
    const merge = e.get('merge')!.value;
    if (!isMap(merge)) r.fail(merge, 'merge: must be a mapping, deep-merged into the generated payload');
    step.merge = { value: r.toJs(merge) as Record<string, unknown>, where: r.where(merge) };
  }
  if (e.has('unset')) {
    const unset = e.get('unset')!.value;
    const items = isSeq(unset) ? (unset.items as Node[]) : [unset];
    step.unset = items.map((n) => r.path(n, 'unset'));
  }
  if (e.has('count')) {
    const c = e.get('count')!.value;
    const v = isScalar(c) ? c.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > LIMITS.count) r.fail(c, `count: a whole number from 1 to ${LIMITS.count}`);
    step.count = v;
  }
  if (e.has('ledger')) {
    const l = e.get('ledger')!.value;
    if (isScalar(l) && l.value === false) step.ledger = null;
    else step.ledger = parseLedgerRule(r, l, 'ledger', ['user', 'amount']).out;
  }
  checkReferences(r, step, earlier);
  return step;
}

/** Every `${id.path}` must name an earlier step: bodies are built in file order. */
function checkReferences(r: Reader, step: EventStep, earlier: Map<string, Step>): void {
  const values: Array<{ value: unknown; where: Where }> = [...step.set, ...(step.merge ? [step.merge] : [])];
  for (const { value, where } of values) {
    for (const ref of findReferences(value)) {
      if (ref.error) throw new ScenarioError(r.source, where, `"${ref.text}": ${ref.error}`);
      if (ref.step === step.id) throw new ScenarioError(r.source, where, `"${ref.text}": a step cannot reference its own body`);
      if (!earlier.has(ref.step)) {
        const guess = didYouMean(ref.step, [...earlier.keys()]);
        throw new ScenarioError(r.source, where, `"${ref.text}": no earlier step "${ref.step}"${guess ? ` (did you mean "${guess}"?)` : ''}; references point to steps above`);
      }
    }
  }
}

const TOO_DEEP = `the file is nested more than ${MAX_DEPTH} levels deep (a scenario is a few levels deep)`;

/** Parses and checks a scenario file's text. Throws ScenarioError (exit 2) with the line of the first problem. */
export function parseScenario(text: string, source: string): Scenario {
  if (Buffer.byteLength(text) > LIMITS.fileBytes) throw new ScenarioError(source, { line: 1, col: 1 }, `the file is larger than ${LIMITS.fileBytes / 1024} KiB`);
  const r: Reader = new Reader(source);
  // The YAML reader is recursive: a file nested some thousands deep would overflow its stack.
  const deep = nestedPast(text, MAX_DEPTH, true);
  if (deep >= 0) {
    const { line, column } = lineColumn(text, deep);
    throw new ScenarioError(source, { line, col: column }, TOO_DEEP);
  }
  r.doc = parseDocument(text, { lineCounter: r.lines, prettyErrors: false, uniqueKeys: true });
  const problem = r.doc.errors[0];
  if (problem) {
    const { line, col } = r.lines.linePos(problem.pos[0]);
    const overflow = /call stack/i.test(problem.message);
    const message = problem.code === 'MULTIPLE_DOCS' ? 'a scenario file holds one document (remove the second "---")' : problem.code === 'DUPLICATE_KEY' ? 'this key appears twice in the same mapping' : overflow ? TOO_DEEP : problem.message;
    throw new ScenarioError(source, { line, col }, `not valid YAML/JSON: ${message}`);
  }
  const root = r.doc.contents as Node | null;
  if (root === null) throw new ScenarioError(source, { line: 1, col: 1 }, 'the file is empty; a scenario needs name:, provider: and steps:');
  const e = r.entries(root, 'the scenario', TOP_KEYS);
  for (const key of ['name', 'provider', 'steps']) if (!e.has(key)) r.fail(root, `the scenario needs \`${key}:\``);
  const nameNode = e.get('name')!.value;
  const name = r.text(nameNode, 'name');
  if (!NAME.test(name)) r.fail(nameNode, `name "${name}": use lower-case letters, digits and -, e.g. mgpass-points`);
  const stepsNode = e.get('steps')!.value;
  if (!isSeq(stepsNode) || stepsNode.items.length === 0) r.fail(stepsNode, 'steps: must be a list with at least one step');
  if (stepsNode.items.length > LIMITS.steps) r.fail(stepsNode, `steps: at most ${LIMITS.steps} steps`);
  const earlier = new Map<string, Step>();
  const steps = (stepsNode.items as Node[]).map((n, i) => {
    const step = parseStep(r, n, i, earlier);
    earlier.set(step.id, step);
    return step;
  });
  const scenario: Scenario = { name, provider: r.text(e.get('provider')!.value, 'provider'), steps, source, text };
  if (e.has('description')) scenario.description = r.text(e.get('description')!.value, 'description');
  if (e.has('ledger')) scenario.ledger = parseLedger(r, e.get('ledger')!.value);
  const sends = steps.reduce((n, s) => n + (s.kind === 'event' ? s.count : (earlier.get(s.repeat) as EventStep).count), 0);
  if (sends > LIMITS.sends / 2) r.fail(stepsNode, `the scenario makes ${sends} sends; at most ${LIMITS.sends / 2} (duplicates may double them)`);
  return scenario;
}
