import assert from 'node:assert/strict';
import { test } from 'node:test';

import { makeApp } from '../helpers.ts';

test('signup, login, profile, refresh, reuse and logout work end to end', async (t) => {
  const { app } = await makeApp(t);
  const signup = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: 'Alice@Example.test', password: 'correct horse battery' },
  });
  assert.equal(signup.statusCode, 202, signup.body);
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'alice@example.test', password: 'correct horse battery' },
  });
  assert.equal(login.statusCode, 200, login.body);
  const tokens = login.json();
  const profile = await app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: { authorization: `Bearer ${tokens.accessToken}` },
  });
  assert.equal(profile.statusCode, 200, profile.body);
  assert.equal(profile.json().email, 'alice@example.test');
  const refreshed = await app.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    payload: { refreshToken: tokens.refreshToken },
  });
  assert.equal(refreshed.statusCode, 200, refreshed.body);
  const reuse = await app.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    payload: { refreshToken: tokens.refreshToken },
  });
  assert.equal(reuse.statusCode, 401);
  const after = await app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: { authorization: `Bearer ${refreshed.json().accessToken}` },
  });
  assert.equal(after.statusCode, 401);
  const activity = await app.inject({
    method: 'GET',
    url: '/api/account/activity',
    headers: { authorization: `Bearer ${tokens.accessToken}` },
  });
  assert.equal(activity.statusCode, 401);
});
