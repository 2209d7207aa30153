// Writes a --junit report whole or not at all (test, scenario run). Written aside and renamed over the name, so a
// full disk leaves neither an empty file nor a stale report from an earlier run for a CI step to publish.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeWholeFile, writtenInPlace } from '../core/write-whole.js';
import { CliError, EXIT, UsageError } from '../output/errors.js';
import { err, writeErr, writeOut } from '../output/style.js';
import { jsonText } from '../core/json-text.js';

/**
 * Checked before the run (test, scenario run), so that a mistyped --junit does not cost a whole run, nor pass CI
 * with no report: an empty name, a directory, a missing directory, one that cannot be written into.
 */
export function checkJUnitPath(path: string, example: string): void {
  const bad = (message: string) => new UsageError('bad_option', `--junit: ${message}`);
  if (path === '') throw bad(`give a file name, such as ${example}`);
  if (existsSync(path) && statSync(path).isDirectory()) throw bad(`${path} is a directory; give a file name such as ${join(path, example)}`);
  if (/[\\/]$/.test(path)) throw bad(`${path} names a directory (it ends with "/"); give a file name such as ${join(path, example)}`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) throw bad(`directory ${dirname(path)} does not exist`);
  // A device or a descriptor (/dev/stdout) is written to, not created beside: its directory need not be writable.
  if (writtenInPlace(path) !== undefined) return;
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw bad(`cannot create files in ${dirname(path)} (${(e as NodeJS.ErrnoException).code === 'EROFS' ? 'a read-only file system' : 'permission denied'})`);
  }
}

export function writeJUnitFile(path: string, xml: string): void {
  // An older report under the name would be taken for this run's: removed when this one cannot replace it.
  const failed = writeWholeFile(path, xml, { removeOnFailure: true });
  if (failed === undefined) return;
  const stale = failed.staleLeft ? ` (an older ${basename(path)} is still there: it is not this run's)` : '';
  throw new UsageError('unwritable_file', `--junit: cannot write ${path}: ${failed.message}${stale}`);
}

/**
 * --json: one document whatever happens. The JUnit file is written first; when it cannot be, the report still goes
 * out (every delivery sent is reported) with `junit: {path, error}`, `ok: false` and exit 2, the error on stderr.
 */
export async function writeJsonWithJUnit(doc: Record<string, unknown>, exitCode: number, junit: (() => Promise<void>) | undefined): Promise<number> {
  try {
    await junit?.();
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    writeOut(jsonText({ ...doc, junit: { error: { code: e.code, message: e.message } }, ok: false, ...('exitCode' in doc ? { exitCode: EXIT.usage } : {}) }));
    writeErr(err.red(`error: ${e.message}`));
    return EXIT.usage;
  }
  writeOut(jsonText(doc));
  return exitCode;
}
