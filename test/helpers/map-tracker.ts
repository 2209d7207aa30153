// The duplicate memory as a Map in insertion order, the oldest key forgotten first: the oracle DedupTracker's
// tests hold it to (what DedupTracker itself was before its ring and index).
export class MapTracker {
  readonly seen = new Map<string, number>();
  constructor(private readonly limit: number) {}
  claim(key: string, seq: number): number | undefined {
    const first = this.seen.get(key);
    if (first !== undefined) return first;
    this.store(key, seq);
    return undefined;
  }
  release(key: string, seq: number): void {
    if (this.seen.get(key) === seq) this.seen.delete(key);
  }
  remember(key: string, seq: number): void {
    if (!this.seen.has(key)) this.store(key, seq);
  }
  private store(key: string, seq: number): void {
    if (this.seen.size >= this.limit) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, seq);
  }
}
