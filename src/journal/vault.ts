/**
 * What every journal feature shares: the vault database, the user's data key
 * and "today", sealing and opening row payloads, and ownership checks.
 *
 * Every content field of a vault row lives in its sealed `payload`, bound by
 * the associated data to its table, row and owner. An opened payload is
 * checked against its schema; one that will not open or has the wrong shape
 * is corruption and fails closed with {@link SealedValueError} (a 500 that
 * shows nothing), never served.
 */
import { randomUUID } from 'node:crypto';

import type { Kysely, Updateable } from 'kysely';
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

import { openJson, sealedAd, SealedValueError, sealJson } from '../crypto/sealed.ts';
import type { PillarsTable, VaultDatabase } from '../db/types.ts';
import { conflict, notFound } from '../errors.ts';

export type VaultDb = Kysely<VaultDatabase>;

/** Vault tables whose rows carry a sealed payload. */
export type SealedTable =
  'pillars' | 'entries' | 'feels' | 'habits' | 'moods' | 'mood_logs' | 'weekly_recaps';

/** Tables of things a user owns by id and may link to. */
export type OwnedTable = 'pillars' | 'habits' | 'moods';

export interface JournalContext {
  readonly db: VaultDb;
  /** The user's 32-byte data key. */
  keyFor(userId: string): Promise<Buffer>;
  /** Today's date (`YYYY-MM-DD`) for the user: their time zone, else UTC. */
  today(userId: string): Promise<string>;
}

/** Payload schemas compiled once each: a compiled check is many times faster than `Value.Check`. */
const validators = new WeakMap<TSchema, { Check(value: unknown): boolean }>();

function validator(schema: TSchema): { Check(value: unknown): boolean } {
  let compiled = validators.get(schema);
  if (compiled === undefined) {
    compiled = Compile(schema);
    validators.set(schema, compiled);
  }
  return compiled;
}

/** Seals and opens the payloads of one user's rows under their data key. */
export class Sealer {
  constructor(
    readonly userId: string,
    private readonly key: Buffer,
  ) {}

  seal(table: SealedTable, rowId: string, value: unknown): Buffer {
    return sealJson(this.key, value, sealedAd(table, 'payload', rowId, this.userId));
  }

  /** Opens a row's payload and checks its shape; anything else is {@link SealedValueError}. */
  open<S extends TSchema>(
    table: SealedTable,
    row: { readonly id: string; readonly payload: Uint8Array },
    schema: S,
  ): Static<S> {
    const value = openJson(this.key, row.payload, sealedAd(table, 'payload', row.id, this.userId));
    if (!validator(schema).Check(value)) throw new SealedValueError();
    return value as Static<S>;
  }
}

export async function sealerFor(ctx: JournalContext, userId: string): Promise<Sealer> {
  return new Sealer(userId, await ctx.keyFor(userId));
}

export const now = (): string => new Date().toISOString();

/**
 * The ids among `ids` that name rows of `table` owned by the user. Another
 * user's id is indistinguishable from one that does not exist.
 */
export async function ownedIds(
  db: VaultDb,
  table: OwnedTable,
  userId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  // The three tables share these columns; the cast only picks one for typing.
  const rows = await db
    .selectFrom(table as 'pillars')
    .select('id')
    .where('user_id', '=', userId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Refuses with a 404 unless every id names a row the user owns; returns them deduplicated. */
export async function requireOwned(
  db: VaultDb,
  table: OwnedTable,
  userId: string,
  ids: readonly string[],
  what: string,
): Promise<string[]> {
  const unique = [...new Set(ids)];
  const owned = await ownedIds(db, table, userId, unique);
  if (owned.size !== unique.length) throw notFound(what);
  return unique;
}

/**
 * Writes a sealed row found by a natural key (a user's day, kind or week):
 * updates the row that exists, else inserts one under a fresh id. The payload
 * is sealed by `insert`/`update` because its associated data names the row id.
 * An insert that loses a race to a concurrent one (it inserted nothing) is
 * retried as an update, so two writers never produce a 500.
 */
export async function upsertByKey<Found>(ops: {
  find(): Promise<Found | undefined>;
  insert(id: string): Promise<boolean>;
  update(found: Found): Promise<void>;
}): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await ops.find();
    if (found !== undefined) return ops.update(found);
    if (await ops.insert(randomUUID())) return;
  }
  throw new Error('upsert kept losing races');
}

/** Tries of an edit that keeps finding its row changed by another write. */
const UPDATE_ATTEMPTS = 3;

/**
 * Makes a change to a sealed row without undoing a concurrent one (two
 * devices editing different fields). Each try runs `attempt` in a
 * transaction: it reads the row (404 when it is gone), opens it, merges the
 * change and writes with {@link writeIfUnchanged}, answering undefined when
 * that wrote nothing because another write came first; then it starts over
 * from the new row. After {@link UPDATE_ATTEMPTS} tries it is a 409 naming
 * `what` ("The pillar").
 */
export async function editSealed<T>(
  db: VaultDb,
  what: string,
  attempt: (trx: VaultDb) => Promise<T | undefined>,
): Promise<T> {
  for (let tries = 0; tries < UPDATE_ATTEMPTS; tries++) {
    const done = await db.transaction().execute(attempt);
    if (done !== undefined) return done;
  }
  throw conflict(`${what} kept changing while this change was saved; try again`);
}

/**
 * Writes `changes` over the user's row if its payload is still the one in
 * `read`, the row the change was made from; false when another write came
 * first or the row is gone. Every seal has a fresh nonce, so equal bytes
 * mean no write in between.
 */
export async function writeIfUnchanged<T extends SealedTable>(
  db: VaultDb,
  table: T,
  userId: string,
  read: { readonly id: string; readonly payload: Uint8Array },
  changes: Updateable<VaultDatabase[T]> & { payload: Buffer; updated_at: string },
): Promise<boolean> {
  // The tables share these columns; the casts only pick one for typing.
  const result = await db
    .updateTable(table as 'pillars')
    .set(changes as Updateable<PillarsTable>)
    .where('user_id', '=', userId)
    .where('id', '=', read.id)
    .where('payload', '=', Buffer.from(read.payload))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Rows actually written by an insert, for `onConflict(...).doNothing()` inserts. */
export function inserted(result: { numInsertedOrUpdatedRows?: bigint | undefined }): boolean {
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
