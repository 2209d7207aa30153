import { MAX_MAPPING_BYTES, MappingError, parseMapping, type Mapping } from '../core/mapping.js';
import { UsageError } from '../output/errors.js';
import { readInput } from './shared.js';

/**
 * `--mapping <file>`: the tenant mapping, loaded with errors that point at the file's line (exit 2). Whether
 * it fits the event (its "$keys" exist) is checked where the event is known: `prepareGenerator`/`resolveMapping`.
 */
export async function readMappingOption(path: string): Promise<Mapping> {
  const bytes = await readInput(path, '--mapping file');
  if (bytes.length > MAX_MAPPING_BYTES) {
    throw new UsageError('bad_mapping', `--mapping ${path} is ${bytes.length} bytes: a mapping file is at most ${MAX_MAPPING_BYTES} bytes`);
  }
  try {
    return parseMapping(bytes.toString('utf8'), path === '-' ? 'stdin' : path);
  } catch (e) {
    if (e instanceof MappingError) throw new UsageError('bad_mapping', `--mapping ${e.message}`, e.hint);
    throw e;
  }
}
