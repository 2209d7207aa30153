import { describe, expect, it } from 'vitest';
import { unknownSetPathWarnings } from '../src/commands/set-paths.js';
import { loadProvider } from '../src/providers/index.js';

async function warnings(paths: string[]): Promise<string[]> {
  const provider = await loadProvider('customerglu');
  const event = provider.events.find((e) => e.name === 'reward')!;
  return unknownSetPathWarnings(provider, event, paths);
}

describe('--set did-you-mean', () => {
  it('suggests the close name of a leaf', async () => {
    expect(await warnings(['rewardAmout'])).toEqual([expect.stringContaining('did you mean rewardAmount?')]);
  });
  it('suggests the close object name when more segments follow', async () => {
    expect(await warnings(['detials.currency'])).toEqual([expect.stringContaining('did you mean details.currency?')]);
  });
  it('never suggests descending into a string field (rewards.amout is not rewardId.amout)', async () => {
    const [line] = await warnings(['rewards.amout']);
    expect(line).toContain('rewards is not a field of customerglu reward');
    expect(line).not.toContain('rewardId.amout');
  });
  it('says nothing for known paths', async () => {
    expect(await warnings(['rewardAmount', 'details.currency'])).toEqual([]);
  });
});
