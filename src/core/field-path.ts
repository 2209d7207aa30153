// A field's path as users read it ("details.items[2].price"). Its own module, without zod, because every command
// formats option errors with it, including those that load no schema (`--help` starts without zod).

/** Dotted path with [n] for array items; "(root)" for the whole body. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out || '(root)';
}
