import type { Prng } from '../prng.js';

/**
 * The keys the workload knows to exist, with O(1) add, remove and random pick. Removal swaps the last key
 * into the hole: the order stays a pure function of the operations, so picks stay deterministic.
 */
export class KeySet {
  private readonly keys: number[] = [];
  private readonly index = new Map<number, number>();

  constructor(initial: Iterable<number> = []) {
    for (const k of initial) this.add(k);
  }

  get size(): number {
    return this.keys.length;
  }

  has(key: number): boolean {
    return this.index.has(key);
  }

  add(key: number): void {
    if (this.index.has(key)) return;
    this.index.set(key, this.keys.length);
    this.keys.push(key);
  }

  remove(key: number): void {
    const i = this.index.get(key);
    if (i === undefined) return;
    const last = this.keys.pop()!;
    this.index.delete(key);
    if (last !== key) {
      this.keys[i] = last;
      this.index.set(last, i);
    }
  }

  pick(prng: Prng): number {
    return prng.pick(this.keys);
  }
}
