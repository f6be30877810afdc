/**
 * Runs writes to the same key one after another, in call order. Two writes of one key from one
 * node must reach the broker in the order they were made: a renewal carrying a value read before
 * a `set` must never land after that `set` and bring the old value back.
 */
export class KeyedWrites {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues `write` behind the key's earlier writes; a failed write does not stop later ones. */
  run(key: string, write: () => Promise<void>): Promise<void> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(write);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Whether a write of the key is queued or running. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Resolves when every write queued so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }
}
