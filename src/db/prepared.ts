/**
 * Queries built and compiled once, then run with new values.
 *
 * Kysely builds a query as a tree of frozen nodes and compiles it to SQL on
 * every execution; on the hottest paths (the session check, a journal read)
 * that took about a tenth of the request's CPU. A prepared query is built
 * once per database with a stand-in for each argument; every stand-in must
 * come out of the compiler as a bound parameter, which is checked, so the
 * SQL text never depends on the values and the values are never spliced into
 * it. Each run copies the compiled parameters with the stand-ins replaced by
 * that run's arguments.
 *
 * Arguments must be single values (no arrays: `in (…)` lists vary in length,
 * and so does their SQL). Inside a transaction the query is compiled for
 * that transaction alone, which is what an ordinary Kysely query costs.
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/** Stands in for argument `index` while the query is compiled. */
class Argument {
  constructor(readonly index: number) {}
}

export type PreparedQuery<DB, Args extends readonly unknown[], Row> = (
  db: Kysely<DB>,
  ...args: Args
) => Promise<Row[]>;

function compile<DB, Args extends readonly unknown[], Row>(
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
  db: Kysely<DB>,
  arity: number,
): CompiledQuery<Row> {
  const stand = Array.from({ length: arity }, (_, i) => new Argument(i));
  const compiled = build(db, ...(stand as unknown as Args)).compile();
  const bound = new Set<number>();
  for (const parameter of compiled.parameters) {
    if (parameter instanceof Argument) bound.add(parameter.index);
  }
  if (bound.size !== arity) {
    throw new Error(
      `prepared query binds ${bound.size} of its ${arity} arguments: ${compiled.sql}`,
    );
  }
  return compiled;
}

/** A query compiled on first use per database; `build` must use each argument as a value. */
export function prepared<DB, Args extends readonly unknown[], Row>(
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): PreparedQuery<DB, Args, Row> {
  const compiled = new WeakMap<Kysely<DB>, CompiledQuery<Row>>();
  return async (db, ...args) => {
    let query = db.isTransaction ? undefined : compiled.get(db);
    if (query === undefined) {
      query = compile(build, db, args.length);
      if (!db.isTransaction) compiled.set(db, query);
    }
    const parameters = query.parameters.map((p) => (p instanceof Argument ? args[p.index] : p));
    const result = await db.executeQuery<Row>({ ...query, parameters });
    return result.rows;
  };
}
