// readInput's bound per caller: a file kind that is small by nature (a scenario, a mapping: 1 MiB) stops reading a
// device or a pipe at its own limit, not at the 256 MiB a body may have (`scenario show /dev/zero` read 256 MiB,
// ~320 MB of memory and 4 s, before saying no).
import { describe, expect, it } from 'vitest';
import { readMappingOption } from '../src/commands/mapping-option.js';
import { MAX_INPUT_BYTES, readInput } from '../src/commands/shared.js';

describe('readInput bounds', () => {
  it('a device read for a small kind of file stops at that kind\'s limit, said in MiB', async () => {
    await expect(readInput('/dev/zero', 'scenario file', 1024 * 1024)).rejects.toThrow('scenario file /dev/zero is larger than 1 MiB');
    await expect(readMappingOption('/dev/zero')).rejects.toThrow('--mapping file /dev/zero is larger than 1 MiB');
  });

  it('a limit that is no whole number of MiB is said in bytes, and the body\'s hint is only for bodies', async () => {
    await expect(readInput('/dev/zero', 'x file', 1000)).rejects.toMatchObject({ message: 'x file /dev/zero is larger than 1000 bytes', hint: 'check that the right file is given' });
    expect(MAX_INPUT_BYTES).toBe(256 * 1024 * 1024);
  });

  it('what fits is read whole', async () => {
    const bytes = await readInput('/dev/null', 'scenario file', 1024 * 1024);
    expect(bytes.length).toBe(0);
  });
});
