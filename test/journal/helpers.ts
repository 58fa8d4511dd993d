/**
 * Journal test steps: a real app on fresh SQLite files, users signed up and
 * signed in through the API, and a short way to send their requests.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';

import type { InjectOptions, LightMyRequestResponse } from 'fastify';

import { makeApp, type TestApp } from '../helpers.ts';

export const PASSWORD = 'violet sunrise 4821';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface User {
  readonly email: string;
  readonly headers: { authorization: string };
  /** Sends a request as this user. */
  call(method: Method, url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

/** Signs up and logs in `email` (with {@link PASSWORD}); returns a user to send requests as. */
export async function signIn(app: TestApp['app'], email: string): Promise<User> {
  const signup = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password: PASSWORD },
  });
  assert.equal(signup.statusCode, 202, signup.body);
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: PASSWORD },
  });
  assert.equal(login.statusCode, 200, login.body);
  const headers = { authorization: `Bearer ${login.json().accessToken as string}` };
  return {
    email,
    headers,
    call(method, url, payload) {
      const options: InjectOptions = { method, url, headers };
      if (payload !== undefined) options.payload = payload as InjectOptions['payload'];
      return app.inject(options);
    },
  };
}

export interface JournalTest extends TestApp {
  readonly alice: User;
  readonly bob: User;
}

/** A fresh app with two signed-in users, Alice and Bob. */
export async function twoUsers(t: TestContext): Promise<JournalTest> {
  const test = await makeApp(t);
  const alice = await signIn(test.app, 'alice@example.test');
  const bob = await signIn(test.app, 'bob@example.test');
  return { ...test, alice, bob };
}

/** Asserts an `application/problem+json` answer with this status; returns its body. */
export function assertProblem(
  res: LightMyRequestResponse,
  status: number,
): { status: number; detail: string; errors?: { path: string; message: string }[] } {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json();
  assert.equal(body.status, status);
  return body;
}

/** Parsed JSON, typed as loosely as `JSON.parse` types it, so tests can read fields directly. */
export type Json = ReturnType<typeof JSON.parse>;

/** Asserts a status and returns the JSON body. */
export function ok(res: LightMyRequestResponse, status = 200): Json {
  assert.equal(res.statusCode, status, res.body);
  return JSON.parse(res.body);
}

/** Rounds of two concurrent edits in {@link assertConcurrentEditsBothStay}. */
const EDIT_ROUNDS = 20;

/** The id the server knows the user by. */
export async function userIdOf(user: User): Promise<string> {
  return ok(await user.call('GET', '/api/auth/profile')).id;
}

/**
 * Two devices editing different fields of one object at once: each round
 * starts both `edits` together (through the service, so on SQLite too their
 * reads and writes interleave), then `read`s the object and expects every
 * field either edit set.
 */
export async function assertConcurrentEditsBothStay<Changes extends object>(
  edit: (changes: Changes) => Promise<unknown>,
  edits: (round: number) => readonly [Changes, Changes],
  read: () => Promise<Json>,
): Promise<void> {
  for (let round = 1; round <= EDIT_ROUNDS; round++) {
    const [a, b] = edits(round);
    await Promise.all([edit(a), edit(b)]);
    const stored = await read();
    const expected: Json = { ...a, ...b };
    const got = Object.fromEntries(Object.keys(expected).map((k) => [k, stored[k]]));
    assert.deepEqual(got, expected, `round ${round}: an edit succeeded and was then lost`);
  }
}

/**
 * An edit racing a delete of the same object, then one after it: the racing
 * edit answers 200 (it came first) or 404, never anything else, the late one
 * 404, and the object stays deleted (`stillThere` says whether it is).
 */
export async function assertEditOfDeletedIs404(
  user: User,
  url: string,
  edit: Record<string, unknown>,
  stillThere: () => Promise<boolean>,
): Promise<void> {
  const [deleted, racing] = await Promise.all([
    user.call('DELETE', url),
    user.call('PATCH', url, edit),
  ]);
  assert.equal(deleted.statusCode, 204, deleted.body);
  assert.ok([200, 404].includes(racing.statusCode), racing.body);
  assertProblem(await user.call('PATCH', url, edit), 404);
  assert.equal(await stillThere(), false, 'an edit brought a deleted object back');
}
