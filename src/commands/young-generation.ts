// A long-running listener's young generation, capped. Under a steady load V8 doubles the new space (where each
// delivery's short-lived objects are made) up to 2 × 8 MB, and keeps it: of the listener's peak RSS under a
// `send --repeat 20000` burst (~81 MB), 16 MB were new space. Capped at 2 × 4 MB the peak is ~74 MB, for ~1.5×
// as many scavenges, each no longer (they cost what survives, a few in-flight deliveries, not the space's size).
// The cap is the growth factor, the one young-generation setting V8 reads after start-up (the maximum size is
// fixed when the process starts): growth is allowed below the cap and stopped at it, so that a new space V8
// shrank while idle can grow back. Only the command does this: a process that embeds startListener keeps its own.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

export const YOUNG_CAP_BYTES = 8 * 1024 * 1024;

/**
 * Keeps the new space at or below `cap` bytes (both semi-spaces) until the returned function is called. Checked
 * after every garbage collection (the space only grows in one), so it cannot grow twice between two checks.
 */
export function capYoungGeneration(cap = YOUNG_CAP_BYTES): () => void {
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
  };
}
