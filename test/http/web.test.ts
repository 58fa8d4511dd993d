/**
 * Serving the web client (src/http/routes/web.ts): `/` is index.html and
 * revalidated on every load, `/assets/*` are hashed files cached for a year,
 * every answer keeps the security headers, and nothing else is served: not a
 * file outside assets/, not a path that climbs out, not `/index.html`. A
 * 404 keeps `no-store`, and /api/* keeps its problem+json.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';

import { tempDir, makeApp } from '../helpers.ts';

const CSP_START = "default-src 'self'; script-src 'self';";
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A built client in a temporary folder: index.html, two assets, and a file beside them. */
function fakeBuild(t: TestContext): string {
  const root = tempDir('daybook-web-root-');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Daybook</title>');
  writeFileSync(join(root, 'assets', 'index-AbC123.js'), 'console.log("daybook")');
  writeFileSync(join(root, 'assets', 'index-XyZ789.css'), 'body{margin:0}');
  writeFileSync(join(root, 'secret.txt'), 'not for the web');
  return root;
}

test('GET / is index.html, revalidated each time, with the security headers', async (t) => {
  const { app } = await makeApp(t, { WEB_ROOT: fakeBuild(t) });
  for (const url of ['/', '//']) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.ok(String(res.headers['content-security-policy']).startsWith(CSP_START));
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(res.body, /<title>Daybook<\/title>/);
  }
  const head = await app.inject({ method: 'HEAD', url: '/' });
  assert.equal(head.statusCode, 200);
  assert.equal(head.headers['cache-control'], 'no-cache');
});

test('hashed assets are cached for a year as immutable, with their types', async (t) => {
  const { app } = await makeApp(t, { WEB_ROOT: fakeBuild(t) });
  const js = await app.inject({ url: '/assets/index-AbC123.js' });
  assert.equal(js.statusCode, 200);
  assert.equal(js.headers['cache-control'], IMMUTABLE);
  assert.match(String(js.headers['content-type']), /^(text|application)\/javascript/);
  assert.ok(String(js.headers['content-security-policy']).startsWith(CSP_START));
  assert.equal(js.headers['cross-origin-resource-policy'], 'same-origin');
  const css = await app.inject({ url: '/assets/index-XyZ789.css' });
  assert.equal(css.statusCode, 200);
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(css.headers['cache-control'], IMMUTABLE);
});

test('nothing else is served, and a 404 is never cached', async (t) => {
  const { app } = await makeApp(t, { WEB_ROOT: fakeBuild(t) });
  for (const url of [
    '/index.html',
    '/secret.txt',
    '/assets/missing.js',
    '/assets/../secret.txt',
    '/assets/%2e%2e/secret.txt',
    '/assets/..%2fsecret.txt',
    '/assets/',
    '/assets',
    '/journal',
    '/api/no-such-route',
  ]) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', url);
    assert.equal(res.headers['cache-control'], 'no-store', url);
    assert.doesNotMatch(res.body, /not for the web/, url);
  }
});

test('without a build, / says how to make one, and the API works as ever', async (t) => {
  const { app } = await makeApp(t, { WEB_ROOT: join(tempDir('daybook-no-web-'), 'missing') });
  const res = await app.inject({ url: '/' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.match(res.body, /npm run build:web/);
  const health = await app.inject({ url: '/api/health' });
  assert.equal(health.statusCode, 200);
});

test('the web routes are not in the OpenAPI description', async (t) => {
  const { app } = await makeApp(t, { WEB_ROOT: fakeBuild(t) });
  const spec = (await app.inject({ url: '/api/openapi.json' })).json<{ paths: object }>();
  const paths = Object.keys(spec.paths);
  assert.ok(paths.length > 10);
  assert.ok(
    paths.every((p) => p.startsWith('/api/')),
    paths.join(', '),
  );
});
