import assert from 'node:assert/strict';
import { test } from 'node:test';

import { makeApp } from '../helpers.ts';

test('health answers ok and ready checks both databases', async (t) => {
  const { app } = await makeApp(t);
  const health = await app.inject({ method: 'GET', url: '/api/health' });
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { status: 'ok' });
  const ready = await app.inject({ method: 'GET', url: '/api/ready' });
  assert.equal(ready.statusCode, 200);
});

test('an unknown route is a problem+json 404', async (t) => {
  const { app } = await makeApp(t);
  const res = await app.inject({ method: 'GET', url: '/api/nope' });
  assert.equal(res.statusCode, 404);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.json().status, 404);
});

test('the OpenAPI spec is generated from the route schemas', async (t) => {
  const { app } = await makeApp(t);
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  assert.equal(res.statusCode, 200);
  assert.ok(res.json().paths['/api/health']);
});
