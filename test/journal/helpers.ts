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
