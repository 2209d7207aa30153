// Whether a file descriptor is a terminal, without loading node:tty when the answer is plainly no. node:tty
// requires net and stream at its top: ~10% of the CPU a `generate` start spends (docs/performance.md, "Start-up"),
// for a check whose answer, for a pipe, a file or /dev/null, a stat already gives.
import { fstatSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

let nullDevice: number | undefined | null;

/** /dev/null's device number, or null where there is none to stat. */
function nullDeviceNumber(): number | null {
  if (nullDevice === undefined) {
    try {
      nullDevice = statSync('/dev/null').rdev;
    } catch {
      nullDevice = null;
    }
  }
  return nullDevice;
}

/**
 * Exactly tty.isatty(fd): a terminal is always a character device, and the null device never is a terminal, so
 * anything else (a pipe, a socket, a file, /dev/null, a closed descriptor) is answered from one fstat; only another
 * character device is asked of node:tty itself.
 */
export function isTerminal(fd: number): boolean {
  if (!Number.isInteger(fd) || fd < 0 || fd > 2_147_483_647) return false;
  let rdev: number;
  try {
    const s = fstatSync(fd);
    if (!s.isCharacterDevice()) return false;
    rdev = s.rdev;
  } catch {
    return false; // isatty fails on a descriptor that is not open: not a terminal
  }
  if (rdev === nullDeviceNumber()) return false;
  const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  return tty.isatty(fd);
}
