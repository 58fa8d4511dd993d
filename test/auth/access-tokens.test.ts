/**
 * Access tokens (DESIGN.md section 5): JWT HS256 signed with JWT_SECRET,
 * carrying sub, sid, typ, iss, aud, iat and exp (15 minutes). Every token is
 * forged here with the real secret and the right claims except one, and the
 * unchanged forgery is shown to work first, so each refusal is due to that
 * one difference.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { createSigner } from 'fast-jwt';

import { AUDIENCE, ISSUER } from '../../src/auth/tokens/access-token.ts';
import {
  bearer,
  jwtPart,
  newUser,
  openLab,
  profile,
  type OpenedApp,
  type Tokens,
} from './support.ts';

interface Forge {
  readonly key?: Buffer | string;
  readonly algorithm?: 'HS256' | 'HS384' | 'HS512' | 'RS256';
  readonly claims?: Record<string, unknown>;
  /** Claims to leave out. */
  readonly omit?: readonly string[];
  readonly clockTimestamp?: number;
}

/** A signed-in user and a forger holding the server's real secret. */
async function setup(t: Parameters<typeof openLab>[0]) {
  const opened = await openLab(t);
  const tokens = await newUser(opened.app, 'alice@example.test');
  const claims = jwtPart(tokens.accessToken, 1);
  const forge = (f: Forge = {}): string => {
    const payload: Record<string, unknown> = {
      sub: claims.sub,
      sid: claims.sid,
      typ: 'access',
      iss: ISSUER,
      aud: AUDIENCE,
      ...f.claims,
    };
    for (const name of f.omit ?? []) delete payload[name];
    const sign = createSigner({
      key: f.key ?? opened.config.jwtSecret,
      algorithm: f.algorithm ?? 'HS256',
      expiresIn: payload.exp === undefined && !f.omit?.includes('exp') ? 900_000 : undefined,
      noTimestamp: f.omit?.includes('iat') ?? false,
      clockTimestamp: f.clockTimestamp,
    });
    return sign(payload);
  };
  return { ...opened, tokens, claims, forge };
}

async function assertRefused(o: OpenedApp, token: string, why: string): Promise<void> {
  const res = await profile(o.app, token);
  assert.equal(res.statusCode, 401, `${why}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.json().detail, 'Authentication is required');
}

function unsigned(header: object, payload: object, signature = ''): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part(header)}.${part(payload)}.${signature}`;
}

test('an access token carries sub, sid, typ, iss, aud, iat and exp, with exp - iat = 900, signed HS256', async (t) => {
  const { app, tokens, claims } = await setup(t);
  assert.deepEqual(jwtPart(tokens.accessToken, 0), { alg: 'HS256', typ: 'JWT' });
  assert.deepEqual(Object.keys(claims).sort(), ['aud', 'exp', 'iat', 'iss', 'sid', 'sub', 'typ']);
  assert.equal(claims.typ, 'access');
  assert.equal(claims.iss, 'daybook');
  assert.equal(claims.aud, 'daybook-api');
  assert.equal(Number(claims.exp) - Number(claims.iat), 900);
  assert.ok(Math.abs(Number(claims.iat) - Date.now() / 1000) < 60);
  assert.equal(tokens.expiresIn, 900);
  assert.equal(tokens.tokenType, 'Bearer');
  const me = (await profile(app, tokens.accessToken)).json();
  assert.equal(claims.sub, me.id);
  const sessions = await app.inject({
    method: 'GET',
    url: '/api/auth/sessions',
    headers: bearer(tokens.accessToken),
  });
  assert.equal(claims.sid, sessions.json().items[0].id);
});

test('a forged token with the real secret and the right claims is accepted (the control for the refusals below)', async (t) => {
  const s = await setup(t);
  assert.equal((await profile(s.app, s.forge())).statusCode, 200);
});

test('a token with alg "none" is refused, with or without a signature part', async (t) => {
  const s = await setup(t);
  const payload = {
    ...s.claims,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 900,
  };
  for (const alg of ['none', 'None', 'NONE']) {
    await assertRefused(s, unsigned({ alg, typ: 'JWT' }, payload), `alg ${alg}, empty signature`);
    await assertRefused(
      s,
      unsigned({ alg, typ: 'JWT' }, payload, 'x'),
      `alg ${alg}, junk signature`,
    );
  }
  // The real signature pasted under a header that claims none.
  const [, body, signature] = s.tokens.accessToken.split('.');
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  await assertRefused(s, `${header}.${body}.${signature}`, 'alg none with the real signature');
});

test('a token signed with HS384, HS512 or RS256 is refused, even with the real secret', async (t) => {
  const s = await setup(t);
  await assertRefused(s, s.forge({ algorithm: 'HS384' }), 'HS384');
  await assertRefused(s, s.forge({ algorithm: 'HS512' }), 'HS512');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await assertRefused(
    s,
    s.forge({ algorithm: 'RS256', key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }),
    'RS256',
  );
});

test('a token signed with another secret, or altered after signing, is refused', async (t) => {
  const s = await setup(t);
  await assertRefused(s, s.forge({ key: randomBytes(32) }), 'another secret');
  const [header, , signature] = s.tokens.accessToken.split('.');
  const altered = Buffer.from(
    JSON.stringify({ ...s.claims, exp: Number(s.claims.exp) + 86_400 }),
  ).toString('base64url');
  await assertRefused(s, `${header}.${altered}.${signature}`, 'payload altered');
  await assertRefused(s, `${s.tokens.accessToken.slice(0, -2)}AA`, 'signature altered');
});

test('an MFA challenge token, a refresh-typed token or an untyped token is refused as an access token', async (t) => {
  const s = await setup(t);
  await assertRefused(s, s.forge({ claims: { typ: 'mfa' } }), 'typ mfa');
  await assertRefused(s, s.forge({ claims: { typ: 'refresh' } }), 'typ refresh');
  await assertRefused(s, s.forge({ claims: { typ: 'Access' } }), 'typ Access');
  await assertRefused(s, s.forge({ omit: ['typ'] }), 'no typ');
  // An opaque refresh token is not a JWT at all.
  await assertRefused(s, s.tokens.refreshToken, 'the refresh token itself');
});

test('a token with a wrong or missing issuer or audience is refused', async (t) => {
  const s = await setup(t);
  await assertRefused(s, s.forge({ claims: { iss: 'someone-else' } }), 'iss someone-else');
  await assertRefused(s, s.forge({ claims: { iss: 'daybook-evil' } }), 'iss daybook-evil');
  await assertRefused(s, s.forge({ claims: { aud: 'another-api' } }), 'aud another-api');
  await assertRefused(s, s.forge({ claims: { aud: ['another-api'] } }), 'aud [another-api]');
  await assertRefused(s, s.forge({ omit: ['iss'] }), 'no iss');
  await assertRefused(s, s.forge({ omit: ['aud'] }), 'no aud');
});

test('a token without sub, sid, iat or exp is refused', async (t) => {
  const s = await setup(t);
  for (const claim of ['sub', 'sid', 'iat', 'exp']) {
    await assertRefused(s, s.forge({ omit: [claim] }), `no ${claim}`);
  }
});

test('after logout the access token is refused at once', async (t) => {
  const s = await setup(t);
  assert.equal((await profile(s.app, s.tokens.accessToken)).statusCode, 200);
  const out = await s.app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: bearer(s.tokens.accessToken),
  });
  assert.equal(out.statusCode, 204);
  await assertRefused(s, s.tokens.accessToken, 'after logout');
  await assertRefused(s, s.forge(), 'a fresh forgery naming the revoked session');
  const again = await s.app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: bearer(s.tokens.accessToken),
  });
  assert.equal(again.statusCode, 401);
});

test('a token naming a session that does not exist, was deleted or belongs to another user is refused', async (t) => {
  const s = await setup(t);
  await assertRefused(s, s.forge({ claims: { sid: randomUUID() } }), 'unknown session id');
  const bob: Tokens = await newUser(s.app, 'bob@example.test');
  const bobClaims = jwtPart(bob.accessToken, 1);
  await assertRefused(s, s.forge({ claims: { sid: bobClaims.sid } }), "alice's id, bob's session");
  await assertRefused(s, s.forge({ claims: { sub: bobClaims.sub } }), "bob's id, alice's session");
  await assertRefused(s, s.forge({ claims: { sub: randomUUID() } }), 'unknown user id');

  await s.deps.platform.db
    .deleteFrom('refresh_tokens')
    .where('session_id', '=', String(s.claims.sid))
    .execute();
  await s.deps.platform.db.deleteFrom('sessions').where('id', '=', String(s.claims.sid)).execute();
  await assertRefused(s, s.tokens.accessToken, 'deleted session');
  assert.equal((await profile(s.app, bob.accessToken)).statusCode, 200);
});

test('a malformed Authorization header is refused like a missing one', async (t) => {
  const s = await setup(t);
  const token = s.tokens.accessToken;
  for (const authorization of [
    token,
    `Basic ${Buffer.from(`a:${token}`).toString('base64')}`,
    `Bearer ${token}.extra`,
    `Bearer ${'a'.repeat(5000)}.b.c`,
  ]) {
    const res = await s.app.inject({
      method: 'GET',
      url: '/api/auth/profile',
      headers: { authorization },
    });
    assert.equal(res.statusCode, 401, authorization.slice(0, 40));
  }
  const none = await s.app.inject({ method: 'GET', url: '/api/auth/profile' });
  assert.equal(none.statusCode, 401);
});
