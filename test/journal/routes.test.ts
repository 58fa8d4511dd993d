import assert from 'node:assert/strict';
import { test } from 'node:test';

import { makeApp } from '../helpers.ts';
import { assertProblem, ok, twoUsers } from './helpers.ts';

const ID = '00000000-0000-4000-8000-000000000000';

/** Query parameters some routes require. */
const REQUIRED_QUERY: Record<string, string> = {
  '/api/entries/search': 'q=word&',
  '/api/habits/history': 'from=2026-12-01&to=2026-12-31&',
};

/** A concrete URL for an OpenAPI path. */
function fill(path: string): string {
  return path.replace('{date}', '2026-12-03').replace('{id}', ID).replace('{week}', '2026-W49');
}

/** Every journal route of API.md, as [method, OpenAPI path]. */
const ROUTES: [string, string][] = [
  ['get', '/api/entries'],
  ['post', '/api/entries'],
  ['get', '/api/entries/search'],
  ['get', '/api/entries/{date}'],
  ['patch', '/api/entries/{date}'],
  ['delete', '/api/entries/{date}'],
  ['get', '/api/pillars'],
  ['post', '/api/pillars'],
  ['put', '/api/pillars/order'],
  ['get', '/api/pillars/scores'],
  ['get', '/api/pillars/{id}'],
  ['patch', '/api/pillars/{id}'],
  ['delete', '/api/pillars/{id}'],
  ['put', '/api/feels/{date}/morning'],
  ['put', '/api/feels/{date}/evening'],
  ['get', '/api/feels/{date}'],
  ['get', '/api/feels'],
  ['get', '/api/habits'],
  ['post', '/api/habits'],
  ['put', '/api/habits/order'],
  ['get', '/api/habits/today'],
  ['get', '/api/habits/history'],
  ['patch', '/api/habits/{id}'],
  ['delete', '/api/habits/{id}'],
  ['put', '/api/habits/{id}/checks/{date}'],
  ['delete', '/api/habits/{id}/checks/{date}'],
  ['get', '/api/moods'],
  ['post', '/api/moods'],
  ['patch', '/api/moods/{id}'],
  ['delete', '/api/moods/{id}'],
  ['post', '/api/moods/{id}/archive'],
  ['post', '/api/moods/{id}/restore'],
  ['post', '/api/moods/log'],
  ['get', '/api/moods/log'],
  ['get', '/api/weekly'],
  ['get', '/api/weekly/current'],
  ['get', '/api/weekly/{week}'],
  ['put', '/api/weekly/{week}'],
];

test('the OpenAPI spec lists every journal route with its schemas and bearer security', async (t) => {
  const { app } = await makeApp(t);
  const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  for (const [method, path] of ROUTES) {
    const operation = spec.paths[path]?.[method];
    assert.ok(operation, `${method.toUpperCase()} ${path} is in the spec`);
    assert.ok(operation.summary, `${method} ${path} has a summary`);
    assert.deepEqual(operation.security, [{ bearer: [] }]);
    assert.ok(operation.responses['401'], `${method} ${path} documents 401`);
    if (path.includes('{')) assert.ok(operation.parameters?.length, `${path} documents params`);
    if (['post', 'put', 'patch'].includes(method) && operation.requestBody) {
      const schema = operation.requestBody.content['application/json'].schema;
      assert.equal(schema.additionalProperties, false, `${method} ${path} refuses unknown fields`);
    }
  }
});

test('every journal route answers 401 without a signed-in user', async (t) => {
  const { app } = await makeApp(t);
  for (const [method, path] of ROUTES) {
    const url = path
      .replace('{date}', '2026-12-03')
      .replace('{id}', ID)
      .replace('{week}', '2026-W49');
    const res = await app.inject({
      method: method.toUpperCase() as 'GET',
      url,
      headers: { authorization: 'Bearer not.a.token' },
    });
    assertProblem(res, 401);
  }
});

test('every journal route without a body refuses an unknown query parameter with a 400', async (t) => {
  const { alice } = await twoUsers(t);
  const { app } = await makeApp(t);
  const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  for (const [method, path] of ROUTES) {
    if (spec.paths[path][method].requestBody) continue; // bodies are validated first
    const required = REQUIRED_QUERY[path] ?? '';
    const url = `${fill(path)}?${required}unexpected=1`;
    const problem = assertProblem(await alice.call(method.toUpperCase() as 'GET', url), 400);
    assert.equal(problem.errors?.[0]?.path, '/querystring/unexpected', `${method} ${path}`);
  }
});

test('a date before the year 1000 or a week past 9999 is refused with a 400 wherever one is taken, and nothing is stored', async (t) => {
  const { alice } = await twoUsers(t);
  const habit = ok(await alice.call('POST', '/api/habits', { name: 'Stretch' }), 201).id as string;
  const refused = [
    alice.call('PUT', `/api/habits/${habit}/checks/0099-12-31`),
    alice.call('POST', '/api/entries', { date: '0000-01-01', content: 'too early' }),
    alice.call('PATCH', '/api/entries/0999-12-31', { content: 'too early' }),
    alice.call('PUT', '/api/feels/0500-06-01/morning', { mentalState: 6 }),
    alice.call('GET', '/api/habits?date=0099-12-31'),
    alice.call('GET', '/api/entries?from=0099-01-01&to=0099-12-31'),
    alice.call('GET', '/api/weekly/9999-W52'),
    alice.call('PUT', '/api/weekly/9999-W52', { wins: 'none' }),
    alice.call('GET', '/api/weekly/1000-W01'),
  ];
  for (const res of await Promise.all(refused)) {
    assert.equal(res.statusCode, 400, `${res.statusCode} ${res.body}`);
  }
  // Nothing was stored: the habit has no check, the lists read cleanly, the edit still answers 200.
  ok(await alice.call('PATCH', `/api/habits/${habit}`, { name: 'Stretch more', archived: true }));
  const habits = ok(await alice.call('GET', '/api/habits'));
  assert.equal(JSON.stringify(habits).includes('0099'), false);
  const early = await alice.call('GET', '/api/entries?from=1000-01-01&to=1000-12-31');
  assert.deepEqual(ok(early).items, []);
  ok(await alice.call('GET', '/api/weekly/9999-W51'));
});
