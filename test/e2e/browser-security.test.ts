/**
 * Browser security proven in a real browser (issue 5): Debian's Chromium,
 * driven by playwright-core, against the real server process.
 *
 * 1. A page on the Daybook origin signs in with cookie transport, fetches a
 *    CSRF token and writes (a journal entry, a profile change): it works.
 * 2. Pages on two attacker origins, one same-site (another port on
 *    127.0.0.1, so the browser still sends the SameSite=Strict cookies) and
 *    one cross-site (127.0.0.2), try an auto-submitting text/plain form POST
 *    and credentialed fetches against the same routes: all are refused and
 *    nothing is written (checked through the API afterwards).
 * 3. The cookies the browser holds are HttpOnly, Secure and SameSite=Strict,
 *    and `document.cookie` on the Daybook page shows none of them.
 * 4. An inline script on a Daybook page does not run under Daybook's CSP.
 *
 * `__Host-`/Secure cookies on plain http://127.0.0.1 are accepted because
 * Chromium treats loopback as a potentially trustworthy origin, so the server
 * runs with its production default COOKIE_SECURE=true.
 *
 * Cookies are scoped to a host, not a port: the same-site attacker's own
 * server receives the session cookies on every request to it. A deployment
 * gives Daybook a host name of its own; here it shows that Daybook does not
 * rely on SameSite, since the cookies do reach it with the forged requests.
 *
 * Skipped when /usr/bin/chromium is absent; .ci/run installs it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { assertSecurityHeaders } from '../browser-security.ts';
import { tempDir, testEnv } from '../helpers.ts';
import { cleanEnv, freePort, SERVER, start, TSX, waitForHttp } from '../process.ts';

/*
 * The functions handed to page.evaluate run in the browser. The project
 * compiles without the DOM library, so the little they touch is declared here.
 */
interface PageElement {
  textContent: string | null;
  src: string;
}
declare const document: {
  cookie: string;
  body: { append(node: PageElement): void };
  createElement(tag: 'script' | 'iframe'): PageElement;
  addEventListener(
    type: 'securitypolicyviolation',
    listener: (event: { effectiveDirective: string }) => void,
  ): void;
};
declare const window: { attempts?: Promise<unknown>; inlineRan?: boolean };

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const EMAIL = 'browser@example.test';
const PASSWORD = 'violet sunrise 4821';
const OWN_DATE = '2026-01-01';
const FORGED_DATE = '2026-01-02';
const OWN_NAME = 'Set from the Daybook page';

/** Registers a clean-up step; they run last-registered first, so the browser closes before the servers. */
type Defer = (step: () => unknown) => void;

/** Starts the real server (`node --import tsx src/server.ts`) on a free loopback port. */
async function startDaybook(defer: Defer): Promise<string> {
  const dir = tempDir('daybook-e2e-');
  const port = await freePort();
  const running = start(['--import', TSX, SERVER], {
    cwd: dir,
    env: cleanEnv({
      ...testEnv(dir),
      HOST: '127.0.0.1',
      PORT: String(port),
      COOKIE_SECURE: 'true',
      LOG_LEVEL: 'warn',
    }),
  });
  defer(async () => {
    running.child.kill('SIGTERM');
    const { code } = await running.finished;
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, `the server did not stop cleanly\n${running.output()}`);
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/api/health`, running);
  return origin;
}

/** The attacker's pages: an auto-submitting form, and a script of credentialed fetches. */
function attackerPages(daybook: string): Record<string, string> {
  // A text/plain form whose one field makes the body look like JSON.
  const name = `{"date":"${FORGED_DATE}","content":"forged by a form","x":"`;
  const form = `<!doctype html><html><body>
<form id="f" method="POST" action="${daybook}/api/entries" enctype="text/plain">
<input type="hidden" name='${name}' value='"}'>
</form>
<script>document.getElementById('f').submit();</script>
</body></html>`;

  const fetches = `<!doctype html><html><body><script>
const daybook = ${JSON.stringify(daybook)};
const entry = JSON.stringify({ date: ${JSON.stringify(FORGED_DATE)}, content: 'forged by fetch' });
const attempt = (what, url, init) =>
  fetch(daybook + url, { credentials: 'include', ...init }).then(
    (res) => ({ what, outcome: res.type === 'opaque' ? 'opaque' : 'status ' + res.status }),
    (err) => ({ what, outcome: 'blocked: ' + err.name }),
  );
window.attempts = Promise.all([
  attempt('JSON POST /api/entries', '/api/entries', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: entry,
  }),
  attempt('no-cors text/plain POST /api/entries', '/api/entries', {
    method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: entry,
  }),
  attempt('PATCH /api/auth/profile', '/api/auth/profile', {
    method: 'PATCH', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'pwned' }),
  }),
  attempt('no-cors POST /api/auth/logout', '/api/auth/logout', { method: 'POST', mode: 'no-cors' }),
]);
</script></body></html>`;

  const plain = '<!doctype html><html><body><p>attacker</p></body></html>';
  return { '/form': form, '/fetch': fetches, '/plain': plain };
}

/** A tiny HTTP server for the attacker's pages, on `host`. */
async function startAttacker(defer: Defer, host: string, daybook: string): Promise<string> {
  const pages = attackerPages(daybook);
  const server: Server = createServer((req, res) => {
    const page = pages[req.url ?? ''];
    res.writeHead(page === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  defer(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

async function launch(defer: Defer): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'daybook-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
  defer(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return context;
}

interface Exchange {
  method: string;
  path: string;
  /** Request headers as sent on the wire, names in lower case. */
  sent: Record<string, string>;
  /** Daybook's status, or undefined when the browser never sent the request. */
  status?: number;
  /** Daybook's response headers, names in lower case. */
  received: Record<string, string>;
}

function lowerCase(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

/**
 * Records, through the DevTools protocol, every request a page makes to
 * Daybook, the headers on the wire and the status Daybook answered, including
 * answers the browser then withholds from the page (a failed preflight, a
 * no-cors reply blocked by Cross-Origin-Resource-Policy).
 */
async function watchDaybook(
  context: BrowserContext,
  page: Page,
  daybook: string,
): Promise<() => Exchange[]> {
  const byId = new Map<string, Partial<Exchange>>();
  const at = (id: string): Partial<Exchange> => {
    const found = byId.get(id);
    if (found) return found;
    const fresh: Partial<Exchange> = {};
    byId.set(id, fresh);
    return fresh;
  };
  const cdp = await context.newCDPSession(page);
  cdp.on('Network.requestWillBeSent', (e) => {
    const url = new URL(e.request.url);
    Object.assign(at(e.requestId), {
      method: e.request.method,
      path: url.pathname,
      url: url.origin,
    });
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    at(e.requestId).sent = lowerCase(e.headers);
  });
  cdp.on('Network.responseReceivedExtraInfo', (e) => {
    Object.assign(at(e.requestId), { status: e.statusCode, received: lowerCase(e.headers) });
  });
  await cdp.send('Network.enable');
  return () =>
    [...byId.values()]
      .filter((e) => (e as { url?: string }).url === daybook)
      .map((e) => ({
        method: e.method ?? '',
        path: e.path ?? '',
        sent: e.sent ?? {},
        status: e.status,
        received: e.received ?? {},
      }));
}

/** Polls until `ready` holds, for at most five seconds. */
async function eventually<T>(read: () => T, ready: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  let value = read();
  while (!ready(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = read();
  }
  return value;
}

test('browser security in Chromium against the real server', async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is absent: install Debian's chromium (.ci/run does) to run this test`);
    return;
  }
  const cleanups: Array<() => unknown> = [];
  const defer: Defer = (step) => cleanups.push(step);
  t.after(async () => {
    for (const step of cleanups.reverse()) await step();
  });

  const daybook = await startDaybook(defer);
  const sameSite = await startAttacker(defer, '127.0.0.1', daybook);
  const crossSite = await startAttacker(defer, '127.0.0.2', daybook);

  const signup = await fetch(`${daybook}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  assert.equal(signup.status, 202);

  const context = await launch(defer);
  const page = await context.newPage();

  await t.test(
    'a page on the Daybook origin signs in with cookies, gets a CSRF token and writes',
    async () => {
      const health = await page.goto(`${daybook}/api/health`);
      assert.equal(health?.status(), 200);
      assertSecurityHeaders((await health?.allHeaders()) ?? {}, 'GET /api/health in Chromium');

      const steps = await page.evaluate(
        async ({ email, password, date, displayName }) => {
          const json = { 'content-type': 'application/json' };
          const login = await fetch('/api/auth/login', {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ email, password, transport: 'cookie' }),
          });
          const loginBody = (await login.json()) as Record<string, unknown>;
          const csrf = await fetch('/api/csrf-token');
          const { csrfToken } = (await csrf.json()) as { csrfToken: string };
          const headers = { ...json, 'x-csrf-token': csrfToken };
          const entry = await fetch('/api/entries', {
            method: 'POST',
            headers,
            body: JSON.stringify({ date, content: 'written from the Daybook page' }),
          });
          const profile = await fetch('/api/auth/profile', {
            method: 'PATCH',
            headers,
            body: JSON.stringify({ displayName }),
          });
          const noToken = await fetch('/api/auth/profile', {
            method: 'PATCH',
            headers: json,
            body: JSON.stringify({ displayName: 'no token' }),
          });
          return {
            login: login.status,
            loginBody,
            csrf: csrf.status,
            entry: entry.status,
            profile: profile.status,
            noToken: noToken.status,
          };
        },
        { email: EMAIL, password: PASSWORD, date: OWN_DATE, displayName: OWN_NAME },
      );
      assert.equal(steps.login, 200);
      assert.deepEqual(Object.keys(steps.loginBody).sort(), ['expiresIn', 'transport']);
      assert.equal(steps.csrf, 200);
      assert.equal(steps.entry, 201);
      assert.equal(steps.profile, 200);
      assert.equal(steps.noToken, 403, 'even our own page needs the token');
    },
  );

  await t.test(
    'the browser holds the session cookies as HttpOnly, Secure, SameSite=Strict, and document.cookie shows none',
    async () => {
      const cookies = await context.cookies(daybook);
      const names = cookies.map((c) => c.name).sort();
      assert.deepEqual(names, [
        '__Host-daybook-access',
        '__Host-daybook-csrf',
        '__Host-daybook-refresh',
      ]);
      for (const c of cookies) {
        assert.equal(c.httpOnly, true, `${c.name} HttpOnly`);
        assert.equal(c.secure, true, `${c.name} Secure`);
        assert.equal(c.sameSite, 'Strict', `${c.name} SameSite`);
        assert.equal(c.path, '/', `${c.name} Path`);
        assert.equal(c.domain, '127.0.0.1', `${c.name} is host-only`);
      }
      assert.equal(await page.evaluate(() => document.cookie), '');
    },
  );

  for (const [which, attacker] of [
    ['a same-site attacker origin (another port)', sameSite],
    ['a cross-site attacker origin (127.0.0.2)', crossSite],
  ] as const) {
    const sameSiteAttacker = attacker === sameSite;
    await t.test(`a form POST from ${which} is refused`, async () => {
      const attackPage = await context.newPage();
      const answer = attackPage.waitForResponse(`${daybook}/api/entries`);
      await attackPage.goto(`${attacker}/form`);
      const response = await answer;
      const sent = await response.request().allHeaders();
      assert.equal(sent.origin, attacker, 'the browser named the attacker origin');
      if (sameSiteAttacker) {
        // SameSite=Strict does not stop this one: Origin and the CSRF token do.
        assert.match(sent.cookie ?? '', /__Host-daybook-access=/);
        assert.equal(response.status(), 403);
      } else {
        assert.equal(sent.cookie, undefined, 'SameSite=Strict kept the cookies home');
        assert.equal(response.status(), 401);
      }
      await attackPage.close();
    });

    await t.test(`credentialed fetches from ${which} are refused`, async () => {
      const attackPage = await context.newPage();
      const exchanges = await watchDaybook(context, attackPage, daybook);
      await attackPage.goto(`${attacker}/fetch`);
      const attempts = await attackPage.evaluate(() => window.attempts);
      // JSON and PATCH need a preflight, which fails (no CORS); the no-cors
      // requests are sent and refused, and their answers are withheld from
      // the page by Cross-Origin-Resource-Policy: same-origin.
      assert.deepEqual(attempts, [
        { what: 'JSON POST /api/entries', outcome: 'blocked: TypeError' },
        { what: 'no-cors text/plain POST /api/entries', outcome: 'blocked: TypeError' },
        { what: 'PATCH /api/auth/profile', outcome: 'blocked: TypeError' },
        { what: 'no-cors POST /api/auth/logout', outcome: 'blocked: TypeError' },
      ]);

      // On the wire: two preflights Daybook did not grant, two simple
      // requests it refused, and the two preflighted writes never sent.
      const answered = await eventually(
        () => exchanges().filter((e) => e.status !== undefined),
        (list) => list.length >= 4,
      );
      const summary = JSON.stringify(
        answered.map(({ method, path, status }) => ({ method, path, status })),
      );
      const preflights = answered.filter((e) => e.method === 'OPTIONS');
      assert.deepEqual(
        preflights.map((e) => e.path).sort(),
        ['/api/auth/profile', '/api/entries'],
        summary,
      );
      for (const e of preflights) {
        assert.equal(e.status, 404, summary);
        assert.equal(e.received['access-control-allow-origin'], undefined, summary);
      }
      const simple = answered.filter((e) => e.method !== 'OPTIONS');
      assert.deepEqual(
        simple.map((e) => `${e.method} ${e.path}`).sort(),
        ['POST /api/auth/logout', 'POST /api/entries'],
        summary,
      );
      for (const e of simple) {
        assert.equal(e.sent.origin, attacker, summary);
        if (sameSiteAttacker) {
          // The cookies went along: Origin and the CSRF token stopped it.
          assert.match(e.sent.cookie ?? '', /__Host-daybook-access=/, summary);
          assert.equal(e.status, 403, summary);
        } else {
          assert.equal(e.sent.cookie, undefined, summary);
          assert.equal(e.status, 401, summary);
        }
      }
      assert.equal(
        exchanges().some((e) => e.method === 'PATCH' && e.status !== undefined),
        false,
        'the PATCH was sent',
      );
      await attackPage.close();
    });
  }

  await t.test(
    'nothing the attacker pages sent was written (checked through the API)',
    async () => {
      // The browser's session survived the forged logout.
      const stillIn = await page.evaluate(() =>
        fetch('/api/auth/profile').then((r) => r.json() as Promise<{ displayName: string }>),
      );
      assert.equal(stillIn.displayName, OWN_NAME);

      const login = await fetch(`${daybook}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const authorization = `Bearer ${accessToken}`;
      const entries = (await (
        await fetch(`${daybook}/api/entries`, { headers: { authorization } })
      ).json()) as { items: Array<{ date: string }> };
      assert.deepEqual(
        entries.items.map((e) => e.date),
        [OWN_DATE],
      );
      const profile = (await (
        await fetch(`${daybook}/api/auth/profile`, { headers: { authorization } })
      ).json()) as { displayName: string };
      assert.equal(profile.displayName, OWN_NAME);
    },
  );

  await t.test("an inline script on a Daybook page does not run under Daybook's CSP", async () => {
    const response = await page.goto(`${daybook}/api/no-such-page`);
    assert.equal(response?.status(), 404);
    // The page's policy is the header Daybook sent with it.
    assertSecurityHeaders((await response?.allHeaders()) ?? {}, 'the 404 page in Chromium');

    const inject = () =>
      new Promise<{ ran: boolean; violations: string[] }>((resolve) => {
        const violations: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          violations.push(e.effectiveDirective),
        );
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true;';
        document.body.append(script);
        setTimeout(
          () =>
            resolve({
              ran: window.inlineRan === true,
              violations,
            }),
          200,
        );
      });

    const onDaybook = await page.evaluate(inject);
    assert.equal(onDaybook.ran, false, 'the inline script ran on the Daybook page');
    assert.deepEqual(onDaybook.violations, ['script-src-elem']);

    // The same injection on a page without Daybook's CSP does run: the check can see a run.
    const control = await context.newPage();
    await control.goto(`${sameSite}/plain`);
    const onAttacker = await control.evaluate(inject);
    assert.equal(onAttacker.ran, true);
    assert.deepEqual(onAttacker.violations, []);
    await control.close();
  });

  await t.test('a Daybook page cannot be framed by another origin', async () => {
    const framing = await context.newPage();
    await framing.goto(`${crossSite}/plain`);
    const blocked = framing.waitForEvent('console', {
      predicate: (m) => /frame-ancestors|X-Frame-Options/i.test(m.text()),
      timeout: 10_000,
    });
    await framing.evaluate((url) => {
      const frame = document.createElement('iframe');
      frame.src = url;
      document.body.append(frame);
    }, `${daybook}/api/health`);
    const message = await blocked;
    assert.match(message.text(), /frame-ancestors 'none'|X-Frame-Options/);
    await framing.close();
  });
});
