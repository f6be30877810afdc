import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/** A connection or a transaction: whatever runs a compiled query. */
type Executor = Pick<Kysely<unknown>, 'executeQuery'>;

/**
 * A query whose shape never changes, built and compiled by kysely once, then run with new values.
 * On the hot paths (a send reads its channel and bumps its head) building and compiling a small
 * query through kysely's builders costs more than SQLite takes to run it, and allocates on every
 * call; a prepared query costs one array copy. Its SQL text is also the same string every time, so
 * the statement cache below finds the statement without hashing the text again.
 *
 * Where each argument goes is found by value: `build` runs once with marker strings in place of the
 * arguments, and each marker must come out as exactly one parameter of the compiled query (checked,
 * so a builder that copies, drops or inlines an argument fails loudly instead of binding wrongly).
 */
export class PreparedQuery<Args extends readonly unknown[], Row> {
  private template: { compiled: CompiledQuery<Row>; slots: number[] } | undefined;

  /** `build` takes the arguments as its declared parameters (their count is `build.length`). */
  constructor(private readonly build: (...args: Args) => Compilable<Row>) {}

  async execute(db: Executor, ...args: Args): Promise<Row[]> {
    const { compiled, slots } = (this.template ??= this.compile());
    const parameters = compiled.parameters.slice();
    for (let i = 0; i < slots.length; i++) parameters[slots[i]!] = args[i];
    const result = await db.executeQuery<Row>({ ...compiled, parameters });
    return result.rows;
  }

  async takeFirst(db: Executor, ...args: Args): Promise<Row | undefined> {
    const [row] = await this.execute(db, ...args);
    return row;
  }

  private compile(): { compiled: CompiledQuery<Row>; slots: number[] } {
    const markers = Array.from({ length: this.build.length }, (_, i) => `\u0000prepared-argument-${i}`);
    const compiled = this.build(...(markers as unknown as Args)).compile();
    const slots = markers.map((marker, argument) => {
      const positions = compiled.parameters.flatMap((value, index) => (value === marker ? [index] : []));
      if (positions.length !== 1) {
        throw new Error(`prepared query: argument ${argument} bound ${positions.length} times in ${compiled.sql}`);
      }
      return positions[0]!;
    });
    return { compiled, slots };
  }
}
