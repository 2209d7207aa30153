// Every place in a JSON-like value, as a path of keys and indexes (the root first): where property tests break a
// payload to see how a validator answers.
export type Path = Array<string | number>;

export function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}
