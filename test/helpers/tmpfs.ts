// A small tmpfs for a test that needs a disk that fills up (a full disk under stdout, -o, a capture).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/**
 * Mounts a tmpfs of `size` (e.g. "64k") at `dir`, runs `use`, and unmounts it. Mounting needs root (or
 * CAP_SYS_ADMIN): without it the test is skipped.
 */
export function withTmpfs(ctx: { skip(): void }, dir: string, size: string, use: () => void): void {
  mkdirSync(dir, { recursive: true });
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status !== 0) {
    ctx.skip();
    return;
  }
  try {
    use();
  } finally {
    spawnSync('umount', [dir]);
  }
}
