/**
 * Bad input at the body-parsing and validation layer: every malformed,
 * mistyped, oversized or cross-site-form request gets a 4xx problem+json that
 * says what is wrong, leaks nothing, and never reaches the handler.
 *
 * The real app is built with buildApp(deps); one test-only JSON route with a
 * TypeBox schema is added before ready(), so the parsing and validation
 * layers the real routes share are tested apart from any one feature.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { before, after, describe, test } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';
import { Type } from 'typebox';

import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { AppDeps } from '../../src/context.ts';
import type { App } from '../../src/http/types.ts';
import { closeDeps, openDeps } from '../../src/server.ts';
import { tempDir, testEnv } from '../helpers.ts';

const ROUTE = '/api/test-only/echo';
/** A route that takes no body, like logout. */
const BODILESS = '/api/test-only/ping';
const Body = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 100 }),
    count: Type.Integer({ minimum: 0, maximum: 10 }),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 5 })),
  },
  { additionalProperties: false },
);

const dir = tempDir();
let deps: AppDeps;
let app: App;
/** How many requests reached the handler: bad input must never get there. */
let handled = 0;

before(async () => {
  deps = await openDeps(loadConfig(testEnv(dir)));
  app = await buildApp(deps, { logger: false });
  app.post(ROUTE, { schema: { body: Body } }, (request) => {
    handled++;
    return { ok: true, title: request.body.title };
  });
  app.post(BODILESS, () => ({ ok: true }));
  await app.ready();
});

after(async () => {
  await app.close();
  await closeDeps(deps);
  rmSync(dir, { recursive: true, force: true });
});

function post(payload: string | Buffer, contentType?: string): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers['content-type'] = contentType;
  return app.inject({ method: 'POST', url: ROUTE, headers, payload });
}

/** A well-formed RFC 9457 problem with this status, and nothing of our internals. */
function assertProblem(res: LightMyRequestResponse, status: number): Record<string, unknown> {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json<Record<string, unknown>>();
  assert.equal(typeof body.type, 'string');
  assert.equal(typeof body.title, 'string');
  assert.equal(body.status, status);
  assert.equal(typeof body.detail, 'string');
  assert.notEqual(body.detail, '');
  assert.equal('stack' in body, false);
  assert.equal(res.body.includes('    at '), false, 'a stack trace leaked');
  assert.equal(/node_modules|\.ts:\d|FST_/.test(res.body), false, `internals leaked: ${res.body}`);
  return body;
}

const valid = JSON.stringify({ title: 'A walk', count: 3 });

describe('body parsing and validation', () => {
  test('a valid JSON body reaches the handler', async () => {
    const before = handled;
    const res = await post(valid, 'application/json');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { ok: true, title: 'A walk' });
    assert.equal(handled, before + 1);
  });

  test('a JSON content type with a charset parameter is accepted', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/json;charset=UTF-8']) {
      const res = await post(valid, type);
      assert.equal(res.statusCode, 200, `${type}: ${res.body}`);
    }
  });

  describe('every bad request is refused before the handler runs', () => {
    let before = 0;
    test('(count handled requests)', () => {
      before = handled;
    });

    test('malformed JSON is a 400 problem saying the body is not valid JSON', async () => {
      for (const payload of ['{"title": "A walk", "count": 3', '{title: 1}', 'nope', '[1,]']) {
        const body = assertProblem(await post(payload, 'application/json'), 400);
        assert.match(String(body.detail), /not valid JSON/, payload);
      }
    });

    test('an empty body declared as JSON is a 400 problem on a route that needs a body', async () => {
      assertProblem(await post('', 'application/json'), 400);
    });

    test('a __proto__ key in the body is refused with 400, never merged into objects', async () => {
      const payload = '{"title":"x","count":1,"__proto__":{"admin":true}}';
      assertProblem(await post(payload, 'application/json'), 400);
      const ctor = '{"title":"x","count":1,"constructor":{"prototype":{"admin":true}}}';
      assertProblem(await post(ctor, 'application/json'), 400);
    });

    test('text/plain, urlencoded and multipart bodies (what a cross-site form can send) get 415', async () => {
      const forms: [string, string][] = [
        ['text/plain', valid],
        ['text/plain;charset=UTF-8', valid],
        ['application/x-www-form-urlencoded', 'title=A+walk&count=3'],
        [
          'multipart/form-data; boundary=XyZ',
          '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nA walk\r\n--XyZ--\r\n',
        ],
        ['application/xml', '<title>A walk</title>'],
      ];
      for (const [type, payload] of forms) {
        const body = assertProblem(await post(payload, type), 415);
        assert.match(String(body.detail), /application\/json/, type);
      }
    });

    test('a body larger than the limit is a 413 problem', async () => {
      const huge = JSON.stringify({ title: 'x'.repeat(64 * 1024), count: 1 });
      assertProblem(await post(huge, 'application/json'), 413);
    });

    test('an unknown field is a 400 problem naming the field, never silently dropped', async () => {
      const payload = JSON.stringify({ title: 'A walk', count: 3, isAdmin: true });
      const body = assertProblem(await post(payload, 'application/json'), 400);
      assert.match(String(body.detail), /isAdmin/);
      const errors = body.errors as { path: string; message: string }[];
      assert.ok(Array.isArray(errors));
      assert.ok(
        errors.some((e) => e.path === '/body/isAdmin'),
        JSON.stringify(errors),
      );
    });

    test('a field of the wrong type is a 400 problem naming the field', async () => {
      const cases: [unknown, string][] = [
        [{ title: 'A walk', count: 'many' }, 'count'],
        [{ title: 'A walk', count: 2.5 }, 'count'],
        [{ title: { nested: true }, count: 1 }, 'title'],
        [{ title: 'A walk', count: 1, tags: [1, { a: 1 }] }, 'tags'],
      ];
      for (const [payload, field] of cases) {
        const body = assertProblem(await post(JSON.stringify(payload), 'application/json'), 400);
        assert.match(String(body.detail), new RegExp(field), JSON.stringify(payload));
      }
    });

    test('a missing required field, an out-of-range value and a too-long string are 400 problems', async () => {
      const cases: [unknown, string][] = [
        [{ count: 1 }, 'title'],
        [{ title: 'A walk', count: 11 }, 'count'],
        [{ title: 'x'.repeat(101), count: 1 }, 'title'],
        [{ title: '', count: 1 }, 'title'],
        [[], 'body'],
        [null, 'body'],
      ];
      for (const [payload, field] of cases) {
        const body = assertProblem(await post(JSON.stringify(payload), 'application/json'), 400);
        assert.match(String(body.detail), new RegExp(field), JSON.stringify(payload));
      }
    });

    test('none of the bad requests above reached the handler', () => {
      assert.equal(handled, before);
    });
  });

  test('a route without a body answers a request with no body that still declares JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: BODILESS,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 200, res.body);
    // Whitespace is not an empty body: it is still malformed JSON.
    const blank = await app.inject({
      method: 'POST',
      url: BODILESS,
      headers: { 'content-type': 'application/json' },
      payload: ' ',
    });
    assertProblem(blank, 400);
  });

  test('a body sent without any content type gets 415', async () => {
    const before = handled;
    assertProblem(await post(valid), 415);
    assert.equal(handled, before);
  });

  test('a value of the wrong JSON type is refused, never coerced (a string for a number, null, a scalar for a list)', async () => {
    const cases: [unknown, string][] = [
      [{ title: 'A walk', count: '5' }, 'count'],
      [{ title: 123, count: 1 }, 'title'],
      [{ title: 'A walk', count: true }, 'count'],
      [{ title: 'A walk', count: null }, 'count'],
      [{ title: 'A walk', count: 1, tags: 'x' }, 'tags'],
    ];
    for (const [payload, field] of cases) {
      const res = await post(JSON.stringify(payload), 'application/json');
      const body = assertProblem(res, 400);
      assert.match(String(body.detail), new RegExp(field), JSON.stringify(payload));
    }
  });
});
