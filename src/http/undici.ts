// undici's dispatchers, loaded from their own modules. undici's index also loads fetch, WebSocket, EventSource, the
// mock agents, the caches, HTTP/2 and every interceptor: 110 modules where a Pool needs 25. Measured with valgrind,
// `require('undici')` costs 376 M instructions, the Pool and the request API 129 M (node -e 0: 500 M), which every
// `send`, `test`, `scenario`, `replay` and `listen --forward-to` paid before sending a byte.
// undici has no exports map, so these paths can be imported; test/undici-load.test.ts checks they are the index's.
import type { Client, Pool } from 'undici';

type Default<T> = { default: T };

/** undici's Pool, with `request()` and the rest of the API its index adds to every dispatcher. */
export async function loadPool(): Promise<typeof Pool> {
  const [pool, dispatcher, api] = await Promise.all([
    import('undici/lib/dispatcher/pool.js') as Promise<Default<typeof Pool>>,
    import('undici/lib/dispatcher/dispatcher.js') as Promise<Default<{ prototype: object }>>,
    import('undici/lib/api/index.js') as Promise<Default<object>>,
  ]);
  // What undici's index.js does when it loads (`Object.assign(Dispatcher.prototype, api)`); done once.
  if (!('request' in dispatcher.default.prototype)) Object.assign(dispatcher.default.prototype, api.default);
  return pool.default;
}

export async function loadClient(): Promise<typeof Client> {
  return ((await import('undici/lib/dispatcher/client.js')) as Default<typeof Client>).default;
}
