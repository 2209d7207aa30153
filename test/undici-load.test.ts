// src/http/undici.ts loads undici's Pool and Client from their own modules instead of undici's index (a third of
// the modules, a third of the start-up): they must be the very classes the index exports, with its request API.
import { Client, Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { loadClient, loadPool } from '../src/http/undici.js';

describe('undici, loaded by the module', () => {
  it('loadPool and loadClient give the classes undici exports, with the request API', async () => {
    expect(await loadPool()).toBe(Pool);
    expect(await loadClient()).toBe(Client);
    expect(typeof Pool.prototype.request).toBe('function');
  });
});
