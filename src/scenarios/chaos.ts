// The chaos knobs (`--chaos duplicate=0.3,reorder,delay=0-800ms,fail-retry`) and the seeded decisions they make.
// Each knob draws from its own stream of the run's seed, so adding `delay=` does not change which deliveries
// are duplicated or how they are reordered.
import { didYouMean } from '../core/suggest.js';
import { UsageError } from '../output/errors.js';
import { checkDuration } from '../core/duration.js';
import { createRng, type Rng } from '../templates/random.js';
import { LIMITS, NO_CHAOS, type Chaos } from './model.js';

const KNOBS = ['duplicate', 'reorder', 'delay', 'fail-retry'];
const HINT = 'e.g. --chaos duplicate=0.3,reorder,delay=0-800ms,fail-retry';

function bad(message: string): UsageError {
  return new UsageError('bad_option', `--chaos: ${message}`, HINT);
}

function parseRange(text: string): { minMs: number; maxMs: number } {
  const [a, b, ...rest] = text.split('-').map((s) => s.trim());
  if (a === undefined || a === '' || rest.length > 0) throw bad(`delay=${text}: expected a range such as 0-800ms`);
  // "0-800ms": a unit written once applies to both ends; with none, a bare number is seconds (as in every flag).
  const unit = /(ms|s|m|min|h)$/i.exec(b ?? a)?.[1] ?? '';
  const withUnit = (s: string) => (/[a-z]$/i.test(s) ? s : `${s}${unit}`);
  const end = (s: string): number => {
    const r = checkDuration(withUnit(s), { maxMs: LIMITS.delayMs, bareMaxMs: 120_000 });
    if ('problem' in r) throw bad(`delay=${text}: ${r.problem.startsWith('"') ? 'expected a range such as 0-800ms or 1s-2s' : r.problem}`);
    return r.ms;
  };
  const minMs = end(a);
  const maxMs = b === undefined ? minMs : end(b);
  if (maxMs < minMs) throw bad(`delay=${text}: the range goes down (write the smaller value first)`);
  return { minMs, maxMs };
}

/** Parses the --chaos list; repeated flags add up. */
export function parseChaos(values: readonly string[] | undefined): Chaos {
  const chaos: Chaos = { ...NO_CHAOS };
  for (const part of (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const knob = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : part.slice(eq + 1).trim();
    switch (knob) {
      case 'duplicate': {
        // A decimal or a percentage only: Number() would also read "0x1", "1e0" or " " as a probability.
        const p = value === undefined ? 1 : /^\d+(\.\d+)?%$/.test(value) ? Number(value.slice(0, -1)) / 100 : /^(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
        if (!Number.isFinite(p) || p < 0 || p > 1) throw bad(`duplicate=${value}: expected a probability from 0 to 1, e.g. duplicate=0.3`);
        chaos.duplicate = p;
        break;
      }
      case 'reorder':
        if (value !== undefined) throw bad('reorder takes no value');
        chaos.reorder = true;
        break;
      case 'delay':
        if (value === undefined) throw bad('delay needs a range, e.g. delay=0-800ms');
        chaos.delay = parseRange(value);
        break;
      case 'fail-retry':
      case 'failretry':
        if (value !== undefined) throw bad('fail-retry takes no value (the schedule is the provider\'s; --time-scale compresses it)');
        chaos.failRetry = true;
        break;
      default: {
        const guess = didYouMean(knob, KNOBS);
        throw bad(`unknown knob "${knob}"${guess ? ` (did you mean "${guess}"?)` : ''}; knobs: ${KNOBS.join(', ')}`);
      }
    }
  }
  return chaos;
}

/** The knobs as one could pass them again, for the output. */
export function formatChaos(chaos: Chaos): string {
  const parts: string[] = [];
  if (chaos.duplicate > 0) parts.push(`duplicate=${chaos.duplicate}`);
  if (chaos.reorder) parts.push('reorder');
  if (chaos.delay) parts.push(`delay=${chaos.delay.minMs}-${chaos.delay.maxMs}ms`);
  if (chaos.failRetry) parts.push('fail-retry');
  return parts.join(',') || 'none';
}

export const STREAM = { duplicate: 1, reorder: 2, delay: 3 } as const;

/** A uniform number in [0, 1) from a seeded generator. */
export function uniform(rng: Rng): number {
  return rng.u32() / 2 ** 32;
}

export function rngFor(seed: number, stream: number): Rng {
  return createRng(seed, stream);
}

/**
 * A seeded order of `items` in which every item comes after the one it `after`s (a copy after its original).
 * When another order is possible the result differs from the given one, so `reorder` always reorders something.
 */
export function reorder<T>(items: readonly T[], after: (item: T) => T | undefined, rng: Rng): T[] {
  const same = (order: T[]) => order.every((x, i) => x === items[i]);
  for (let tries = 0; tries < 8; tries++) {
    const placed = new Set<T>();
    const left = [...items];
    const order: T[] = [];
    while (left.length > 0) {
      const ready = left.filter((x) => {
        const first = after(x);
        return first === undefined || placed.has(first);
      });
      const pick = ready[Math.floor(uniform(rng) * ready.length)]!;
      order.push(pick);
      placed.add(pick);
      left.splice(left.indexOf(pick), 1);
    }
    if (!same(order)) return order;
  }
  // Unlucky draws (or few choices): swap the first neighbours that may trade places.
  const order = [...items];
  for (let i = 0; i + 1 < order.length; i++) {
    if (after(order[i + 1]!) !== order[i]) {
      [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
      return order;
    }
  }
  return order;
}
