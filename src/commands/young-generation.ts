// A long-running listener's young generation, capped. Under a steady load V8 doubles the new space (where each
// delivery's short-lived objects are made) up to 2 × 8 MB, and keeps it: of the listener's peak RSS under a
// `send --repeat 20000` burst (~81 MB), 16 MB were new space. Capped at 2 × 4 MB the peak is ~74 MB, for ~1.5×
// as many scavenges, each no longer (they cost what survives, a few in-flight deliveries, not the space's size).
// The cap is the growth factor, the one young-generation setting V8 reads after start-up (the maximum size is
// fixed when the process starts): growth is allowed below the cap and stopped at it, so that a new space V8
// shrank while idle can grow back. Only the command does this: a process that embeds startListener keeps its own.
// The young generation is also collected on the main thread alone (--no-parallel-scavenge). A scavenge of this
// small space copies a few in-flight deliveries; sharing that with V8's helper threads cost more than it saved:
// the helpers' CPU per delivery went from 3.0-3.5 µs to 2.0-2.5 µs under the bench's load and the main thread's
// did not grow (four alternating pairs, docs/performance.md).
// V8 reads that flag at every scavenge (its tests flip it at run time); the broader --single-threaded-gc is not
// safe to set after start-up (it crashed a mark-compact in cppgc when set at run time).
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

export const YOUNG_CAP_BYTES = 8 * 1024 * 1024;

/**
 * Keeps the new space at or below `cap` bytes (both semi-spaces) until the returned function is called. Checked
 * after every garbage collection (the space only grows in one), so it cannot grow twice between two checks.
 */
export function capYoungGeneration(cap = YOUNG_CAP_BYTES): () => void {
  const parallel = parallelScavengeWasOn();
  if (parallel) setFlagsFromString('--no-parallel-scavenge');
  let growing = true;
  const check = () => {
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size;
    if (young === undefined) return;
    const grow = young < cap;
    if (grow !== growing) {
      growing = grow;
      setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
    }
  };
  check();
  const observer = new PerformanceObserver(check);
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    if (!growing) setFlagsFromString('--semi-space-growth-factor=2');
    if (parallel) setFlagsFromString('--parallel-scavenge');
  };
}

/** False when the process was started with scavenging on one thread already (then it is left as it is). */
function parallelScavengeWasOn(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return !given.some((a) => /^--(no-parallel[-_]scavenge|single[-_]threaded(?:[-_]gc)?|predictable)$/.test(a));
}
