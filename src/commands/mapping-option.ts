import { MAX_MAPPING_BYTES, MappingError, parseMapping, type Mapping } from '../core/mapping.js';
import { UsageError } from '../output/errors.js';
import { readInput } from './shared.js';

/**
 * `--mapping <file>`: the tenant mapping, loaded with errors that point at the file's line (exit 2). Whether
 * it fits the event (its "$keys" exist) is checked where the event is known: `prepareGenerator`/`resolveMapping`.
 */
export async function readMappingOption(path: string): Promise<Mapping> {
  // Bounded while reading: a device or a pipe (/dev/zero, <(cmd)) is never read past what a mapping may be.
  const bytes = await readInput(path, '--mapping file', MAX_MAPPING_BYTES);
  try {
    return parseMapping(bytes.toString('utf8'), path === '-' ? 'stdin' : path);
  } catch (e) {
    if (e instanceof MappingError) throw new UsageError('bad_mapping', `--mapping ${e.message}`, e.hint);
    throw e;
  }
}
