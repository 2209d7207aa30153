// The page's files, built by scripts/build.mjs into dist/ui/ (part of the package). Read once, kept in memory.
import { readFileSync } from 'node:fs';

export interface Asset {
  type: string;
  body: Buffer;
}

export interface Assets {
  /** The page, with this run's token in its asset URLs. */
  page(token: string): Buffer;
  get(name: string): Asset | undefined;
}

const TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** dist/ui next to the bundled chunk (dist/chunks/…), or dist/ui from the sources (tests run src/ directly). */
function candidates(): URL[] {
  return [new URL('../ui/', import.meta.url), new URL('./ui/', import.meta.url), new URL('../../dist/ui/', import.meta.url)];
}

export function loadAssets(dir?: URL): Assets {
  const dirs = dir ? [dir] : candidates();
  for (const d of dirs) {
    let html: string;
    try {
      html = readFileSync(new URL('index.html', d), 'utf8');
    } catch {
      continue;
    }
    const files = new Map<string, Asset>();
    for (const [name, type] of Object.entries(TYPES)) files.set(name, { type, body: readFileSync(new URL(name, d)) });
    return {
      page: (token) => Buffer.from(html.replaceAll('__TOKEN__', encodeURIComponent(token)), 'utf8'),
      get: (name) => files.get(name),
    };
  }
  throw new Error('the inspector\'s page is missing from this installation (dist/ui/index.html): reinstall cg-hooks, or run `npm run build` in a checkout');
}
