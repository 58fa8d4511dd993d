/**
 * The web client end to end (issue 10): Debian's Chromium, driven by
 * playwright-core, against the real server process serving a fresh build of
 * web/ (`vite build` into a temporary folder, WEB_ROOT pointing at it).
 *
 * One person's whole journey, through the page only: sign up, log in, add
 * pillars and a habit, write today's entry and morning pulse, check a habit
 * off, log a mood, find the entry by search, edit a past day, write the
 * weekly recap; a lost access cookie refreshes silently and a revoked session
 * lands on the login screen; enable MFA with a code computed here, log out and
 * in again with MFA, export (a download), import it back, delete the account.
 *
 * Throughout: no console error, no uncaught exception, no CSP violation
 * (a `securitypolicyviolation` listener is installed in every page), and no
 * answer of 500 or more. A screenshot of each main screen goes to
 * test-artifacts/screenshots/ (kept by CI, never committed).
 *
 * Skipped when /usr/bin/chromium is absent; .ci/run installs it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { assertSecurityHeaders } from '../browser-security.ts';
import { tempDir, testDatabases, testEnv } from '../helpers.ts';
import { startServer, type StartedServer } from '../process-helpers.ts';
import { ROOT } from '../process.ts';
import { totpAt } from '../totp-reference.ts';

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
const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');

const EMAIL = 'web-client@example.test';
const PASSWORD = 'amber lantern 7310 river';
const WORD = 'marmalade';

/** A CSP violation in any page is reported as a console error, which fails the test. */
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
});`;

/** Builds web/ into a temporary folder, as `npm run build:web` does into dist/web. */
function buildClient(outDir: string): void {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'web/vite.config.ts', '--outDir', outDir, '--emptyOutDir'],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  assert.equal(built.status, 0, `vite build failed\n${built.stdout}\n${built.stderr}`);
}

/**
 * An authenticator app: RFC 6238 codes from test/totp-reference.ts. The server
 * takes each time step once and accepts one step either side of now, so every
 * code is for a later step than the one before, and never for a step that is
 * about to leave the window.
 */
class Authenticator {
  private last = -Infinity;

  constructor(private readonly secret: string) {}

  async code(): Promise<string> {
    for (;;) {
      const now = Date.now() / 1000;
      const step = Math.floor(now / 30);
      const next = Math.max(this.last + 1, step - 1);
      const leavesSoon = next === step - 1 && 30 - (now % 30) < 5;
      if (next <= step + 1 && !leavesSoon) {
        this.last = next;
        return totpAt(this.secret, next * 30);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function api(
  server: StartedServer,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(server.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

test('the web client in Chromium: from sign-up to deleting the account', async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is absent: install Debian's chromium (.ci/run does) to run this test`);
    return;
  }
  const cleanups: Array<() => unknown> = [];
  t.after(async () => {
    for (const step of cleanups.reverse()) await step();
  });

  const webRoot = mkdtempSync(join(tmpdir(), 'daybook-web-'));
  cleanups.push(() => rmSync(webRoot, { recursive: true, force: true }));
  buildClient(webRoot);

  const dir = tempDir('daybook-e2e-web-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startServer(
    testEnv(dir, {
      ...(await testDatabases(t, dir)),
      WEB_ROOT: webRoot,
      COOKIE_SECURE: 'true',
      LOG_LEVEL: 'warn',
    }),
    { timeoutMs: 600_000 },
  );
  cleanups.push(async () => {
    const { code } = await server.stop();
    assert.equal(code, 0, `the server did not stop cleanly\n${server.output()}`);
  });

  const profile = mkdtempSync(join(tmpdir(), 'daybook-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  cleanups.push(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  await context.addInitScript({ content: REPORT_CSP_VIOLATIONS });
  const page: Page = context.pages()[0] ?? (await context.newPage());

  // Everything that goes wrong in the page, whatever the step.
  const problems: string[] = [];
  /** Set while a step expects the server to refuse requests with this status. */
  let expecting: number | undefined;
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (expecting !== undefined && message.text().includes(`status of ${expecting} `)) return;
    problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  /** Every refusal, to explain a console error about a failed request. */
  const refusals: string[] = [];
  page.on('response', (response) => {
    const what = `${response.status()} ${response.request().method()} ${response.url()}`;
    if (response.status() >= 500) problems.push(what);
    else if (response.status() >= 400) refusals.push(what);
  });

  mkdirSync(SHOTS, { recursive: true });
  for (const old of readdirSync(SHOTS)) {
    if (/^web-.*\.png$/.test(old)) rmSync(join(SHOTS, old));
  }
  let shot = 0;
  const screenshot = async (name: string) => {
    shot += 1;
    await page.screenshot({
      path: join(SHOTS, `web-${String(shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
  const nav = (name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const status = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text });
  const form = (name: string) => page.getByRole('form', { name });
  let recoveryCodes: string[] = [];
  let authenticator: Authenticator | undefined;

  await t.test('the page and its assets are served under the CSP, with their caching', async () => {
    const res = await page.goto(`${server.url}/`);
    assert.equal(res?.status(), 200);
    const headers = (await res?.allHeaders()) ?? {};
    assertSecurityHeaders({ ...headers, 'cache-control': 'no-store' }, 'GET / in Chromium');
    assert.equal(headers['cache-control'], 'no-cache');

    const script = await page.locator('script[type=module]').getAttribute('src');
    assert.match(script ?? '', /^\/assets\/index-[\w-]+\.js$/);
    const asset = await fetch(server.url + script);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(asset.headers.get('content-security-policy') ?? '', /script-src 'self'/);

    const html = readFileSync(join(webRoot, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(html, /https?:\/\//, 'no third-party origin');

    const missing = await fetch(`${server.url}/api/no-such-route`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8');

    await heading('Log in to Daybook').waitFor();
    await screenshot('login');
  });

  await t.test('sign up, then log in', async () => {
    await page.getByRole('link', { name: 'Create an account' }).click();
    await heading('Create your Daybook').waitFor();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('short');
    expecting = 400;
    await page.getByRole('button', { name: 'Sign up' }).click();
    // The API's message for the field, next to it.
    await page.getByText('must be at least 12 characters').waitFor();
    expecting = undefined;
    await screenshot('signup-validation');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();

    await heading('Log in to Daybook').waitFor();
    await status('You can log in now').waitFor();
    assert.equal(await page.getByLabel('Email').inputValue(), EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await heading('Today').waitFor();
  });

  await t.test('add pillars, reorder them, and add a habit', async () => {
    await nav('Pillars').click();
    await heading('Pillars').waitFor();
    const add = form('Add a pillar');
    for (const [name, icon] of [
      ['Health', '🌿'],
      ['Craft', '🛠'],
    ] as const) {
      await add.getByLabel('Name').fill(name);
      await add.getByLabel('Icon (an emoji)').fill(icon);
      await add.getByLabel('Target (entries a week)').fill('3');
      await add.getByRole('button', { name: 'Add pillar' }).click();
      await page.locator('.pillars strong', { hasText: name }).waitFor();
    }
    await page.getByRole('button', { name: 'Move Craft up' }).click();
    await page.locator('.pillars > li').first().filter({ hasText: 'Craft' }).waitFor();

    await nav('Habits & moods').click();
    await heading('Habits & moods').waitFor();
    await page.getByLabel('New habit').fill('Walk before work');
    await page.getByRole('button', { name: 'Add habit' }).click();
    await page.locator('.pillars strong', { hasText: 'Walk before work' }).waitFor();
  });

  await t.test("write today's morning pulse and entry, check a habit off, log a mood", async () => {
    await nav('Today').click();
    await heading('Today').waitFor();

    await page.getByRole('checkbox', { name: 'Walk before work' }).check();
    await page.getByText('1 day · best 1').waitFor();

    const morning = form('Morning pulse');
    await morning.getByText('7', { exact: true }).click();
    await morning.getByLabel('Strongest emotion').fill('hopeful');
    await morning.getByLabel('What are you avoiding?').fill('the tax return');
    await morning.getByRole('button', { name: 'Save pulse' }).click();
    await status('Morning pulse saved.').waitFor();

    const entry = form('Entry');
    await entry.getByLabel('Title').fill('A first page');
    await entry
      .getByLabel('What happened today?')
      .fill(`Toast with ${WORD} in the garden, then an hour of woodwork.`);
    await entry.getByRole('checkbox', { name: /Health/ }).check();
    await entry.getByRole('button', { name: 'Create entry' }).click();
    await status('Entry saved.').waitFor();

    const evening = form('Evening reflection');
    await evening.getByLabel('What gave you energy?').fill('the garden');
    await evening.getByText('Purpose', { exact: true }).click();
    await evening.getByRole('button', { name: 'Save reflection' }).click();
    await status('Evening reflection saved.').waitFor();

    const mood = form('Log a mood');
    await mood.getByText('Calm').click();
    await mood.getByLabel('Note (optional)').fill('after the walk');
    await mood.getByRole('button', { name: 'Log mood' }).click();
    await status('Mood logged.').waitFor();
    await page.getByText('— after the walk').waitFor();
    await screenshot('today');
  });

  await t.test('find the entry by search, and open and edit a past day', async () => {
    await nav('Journal').click();
    await heading('Journal').waitFor();
    await page.getByLabel('Words to find').fill(WORD.toUpperCase());
    await page.getByRole('button', { name: 'Search' }).click();
    const results = page.getByRole('region', { name: 'Search results' });
    await results.getByRole('link', { name: 'A first page' }).waitFor();
    assert.match((await results.textContent()) ?? '', new RegExp(WORD));
    await screenshot('journal');

    await results.getByRole('link', { name: 'A first page' }).click();
    await page.getByRole('link', { name: '← Previous day' }).click();
    await page
      .getByRole('navigation', { name: 'Days' })
      .getByRole('link', { name: 'Today' })
      .waitFor();
    const entry = form('Entry');
    await entry.getByLabel('Title').fill('The day before');
    await entry.getByLabel('What happened today?').fill('Written a day late.');
    await entry.getByRole('button', { name: 'Create entry' }).click();
    await status('Entry saved.').waitFor();
    await entry.getByLabel('What happened today?').fill('Written a day late, then edited.');
    await entry.getByRole('button', { name: 'Save entry' }).click();
    await status('Entry saved.').waitFor();
    await screenshot('past-day');

    await nav('Journal').click();
    await page.getByRole('link', { name: /The day before/ }).waitFor();
    await page.getByText('Written a day late, then edited.').waitFor();
  });

  await t.test("the week's recap: summary, charts, own notes", async () => {
    await nav('Week').click();
    await heading(/^Week \d{4}-W\d{2}$/).waitFor();
    await page.getByRole('img', { name: 'Mental state each morning' }).waitFor();
    await page
      .getByRole('img', { name: /Entries per pillar/ })
      .first()
      .waitFor();
    await page.getByText('hopeful').waitFor();
    await form('Weekly recap').getByLabel('Wins').fill('Wrote every day.');
    await form('Weekly recap').getByRole('button', { name: 'Save recap' }).click();
    await status('Recap saved.').waitFor();
    await screenshot('week');

    await nav('Pillars').click();
    await page.locator('.chart text', { hasText: '1 / 3' }).waitFor();
    await screenshot('pillars');
    await nav('Habits & moods').click();
    await page.getByText('after the walk').waitFor();
    await screenshot('habits-and-moods');
  });

  await t.test('a lost access cookie is refreshed silently', async () => {
    await context.clearCookies({ name: '__Host-daybook-access' });
    expecting = 401;
    try {
      await nav('Journal').click();
      await page.getByRole('link', { name: /The day before/ }).waitFor();
    } finally {
      expecting = undefined;
    }
    await heading('Journal').waitFor();
    const names = (await context.cookies(server.url)).map((c) => c.name);
    assert.ok(names.includes('__Host-daybook-access'), 'a new access cookie was set');
  });

  await t.test('a session revoked elsewhere lands on the login screen', async () => {
    const login = await api(server, 'POST', '/api/auth/login', {
      email: EMAIL,
      password: PASSWORD,
    });
    const token = (login.body as { accessToken: string }).accessToken;
    const sessions = await api(server, 'GET', '/api/auth/sessions', undefined, token);
    const others = (sessions.body as { items: { id: string; current: boolean }[] }).items.filter(
      (s) => !s.current,
    );
    assert.equal(others.length, 1, 'the browser holds one session');
    const revoked = await api(
      server,
      'DELETE',
      `/api/auth/sessions/${others[0]!.id}`,
      undefined,
      token,
    );
    assert.equal(revoked.status, 204);

    expecting = 401;
    try {
      await nav('Week').click();
      await heading('Log in to Daybook').waitFor();
    } finally {
      expecting = undefined;
    }
    await status('Your session has ended').waitFor();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await heading('Today').waitFor();
  });

  await t.test('settings: enable MFA by confirming a code', async () => {
    await nav('Settings').click();
    await heading('Settings').waitFor();
    await page.getByRole('cell', { name: /this browser/ }).waitFor();
    await page.getByRole('cell', { name: 'Logged in' }).first().waitFor();
    await screenshot('settings');

    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const qr = page.getByRole('img', { name: 'QR code to scan with your authenticator app' });
    await qr.waitFor();
    assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
    assert.equal(
      await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
      true,
    );
    const secret = (await page.locator('code.secret').textContent())?.trim() ?? '';
    assert.match(secret, /^[A-Z2-7]{16,}$/);
    authenticator = new Authenticator(secret);
    await screenshot('mfa-setup');

    const confirm = form('Confirm two-factor authentication');
    await confirm.getByLabel('Password').fill(PASSWORD);
    await confirm.getByLabel('Six-digit code').fill(await authenticator.code());
    await confirm.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('region', { name: 'Recovery codes' });
    await codes.waitFor();
    recoveryCodes = (await codes.locator('code').allTextContents()).map((c) => c.trim());
    assert.equal(recoveryCodes.length, 10);
    await screenshot('mfa-recovery-codes');
    await codes.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('Logging in needs a code from your authenticator app.').waitFor();
  });

  await t.test('log out, and log in again with MFA', async () => {
    await page.getByRole('banner').getByRole('button', { name: 'Log out' }).click();
    await heading('Log in to Daybook').waitFor();
    await status('You are logged out.').waitFor();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await heading('Two-factor authentication').waitFor();
    await screenshot('mfa-login');
    await page.getByLabel('Code or recovery code').fill(await authenticator!.code());
    await page.getByRole('button', { name: 'Verify' }).click();
    await heading('Today').waitFor();
    // Today still shows what was written before.
    assert.match(await page.getByLabel('What happened today?').inputValue(), new RegExp(WORD));
  });

  await t.test('export everything as a download, and import it back', async () => {
    await nav('Settings').click();
    const exporting = form('Export');
    // A wrong password is refused with a 401 that does not end the session.
    await exporting.getByLabel('Password').fill('not the password at all');
    await exporting
      .getByLabel('Authenticator code or recovery code')
      .fill(await authenticator!.code());
    expecting = 401;
    try {
      await exporting.getByRole('button', { name: 'Download export' }).click();
      await exporting
        .getByRole('alert')
        .filter({ hasText: 'The password or code is wrong' })
        .waitFor();
    } finally {
      expecting = undefined;
    }
    await heading('Settings').waitFor();

    await exporting.getByLabel('Password').fill(PASSWORD);
    await exporting
      .getByLabel('Authenticator code or recovery code')
      .fill(await authenticator!.code());
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      exporting.getByRole('button', { name: 'Download export' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^daybook-export-\d{4}-\d{2}-\d{2}\.json$/);
    const file = join(dir, 'export.json');
    await download.saveAs(file);
    await status(/Export downloaded/).waitFor();
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      format: string;
      entries: { title: string; content: string }[];
    };
    assert.equal(doc.format, 'daybook-export');
    assert.ok(doc.entries.some((e) => e.content.includes(WORD)));
    await screenshot('export');

    const importing = form('Import');
    // A document the server refuses: its messages are listed.
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ format: 'daybook-export', version: 2 }));
    await importing.getByLabel('Export file').setInputFiles(wrong);
    expecting = 400;
    try {
      await importing.getByRole('button', { name: 'Import' }).click();
      await importing.getByRole('alert').filter({ hasText: '/version' }).waitFor();
    } finally {
      expecting = undefined;
    }

    await importing.getByLabel('Export file').setInputFiles(file);
    await importing.getByText('Merge: keep what is here, add the rest').click();
    await importing.getByRole('button', { name: 'Import' }).click();
    await status(/Imported nothing; skipped .*2 entries/).waitFor();
  });

  await t.test('delete the account', async () => {
    const deleting = form('Delete account');
    await deleting.getByLabel('Password').fill(PASSWORD);
    await deleting.getByLabel('Authenticator code or recovery code').fill(recoveryCodes[0]!);
    await deleting.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByText('Tick the box to confirm').waitFor();
    await deleting.getByRole('checkbox', { name: /gone for good/ }).check();
    await deleting.getByRole('button', { name: 'Delete my account' }).click();
    await heading('Log in to Daybook').waitFor();
    await status('Your account and everything in it were deleted.').waitFor();
    await screenshot('deleted');

    const login = await api(server, 'POST', '/api/auth/login', {
      email: EMAIL,
      password: PASSWORD,
    });
    assert.equal(login.status, 401, 'the account is gone');
  });

  await t.test('no console error, uncaught exception, CSP violation or 5xx on the way', () => {
    assert.deepEqual(problems, [], `refused requests:\n${refusals.join('\n')}`);
  });
});
