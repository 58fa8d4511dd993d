/**
 * The one module that talks to the server.
 *
 * The session lives in HttpOnly cookies the page never sees (cookie
 * transport). Every write carries the session's CSRF token in `x-csrf-token`;
 * the browser adds `Origin` itself. The access cookie lasts minutes: the
 * session is refreshed shortly before it runs out, and a 401 about the
 * session triggers one silent refresh and one retry. When that fails too (the
 * session was revoked or has expired), every listener hears `signedOut` and
 * the page shows the login screen.
 *
 * What is kept in localStorage is only the CSRF token (useless without the
 * cookies, and the refresh needs it after a reload) and when the access
 * cookie expires.
 */

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly requestId?: string;
}

/** A failed request, with the server's problem+json. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }

  get status(): number {
    return this.problem.status;
  }

  /** Messages by field: `/body/password` → `password`, `/body/pillarIds/0` → `pillarIds`. */
  get fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { path, message } of this.problem.errors ?? []) {
      const name = path.split('/').filter(Boolean)[1] ?? path;
      out[name] ??= message;
    }
    return out;
  }
}

export type SignedOutReason = 'expired' | 'logout' | 'deleted';

interface Stored {
  csrf: string | null;
  /** When the access cookie runs out (ms since the epoch). */
  expiresAt: number;
  /** When this browser last refreshed the session, in any tab. */
  refreshedAt: number;
}

const KEY = 'daybook.session';
/** Refresh this long before the access cookie expires. */
const MARGIN_MS = 20_000;

function load(): Stored | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw === null ? null : (JSON.parse(raw) as Stored);
  } catch {
    return null;
  }
}

function save(stored: Stored | null): void {
  if (stored === null) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, JSON.stringify(stored));
}

/** Whether this browser believes it holds a session (it may have expired). */
export function hasSession(): boolean {
  return load() !== null;
}

const listeners = new Set<(reason: SignedOutReason) => void>();

export function onSignedOut(listener: (reason: SignedOutReason) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function signedOut(reason: SignedOutReason): void {
  const had = load() !== null;
  save(null);
  if (had || reason !== 'expired') for (const listener of listeners) listener(reason);
}

async function problemOf(res: Response): Promise<ApiError> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return new ApiError((await res.json()) as Problem);
    } catch {
      // fall through: not the JSON it claimed to be
    }
  }
  return new ApiError({
    type: 'about:blank',
    title: res.statusText || 'Error',
    status: res.status,
    detail: `The server answered ${res.status}`,
  });
}

const NETWORK = new ApiError({
  type: 'about:blank',
  title: 'Network error',
  status: 0,
  detail: 'The server could not be reached. Check your connection and try again.',
});

/** fetch, with a network failure turned into an ApiError. */
async function get(path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch {
    throw NETWORK;
  }
}

let pendingToken: Promise<string> | null = null;

/** This session's CSRF token: remembered, or asked for once. */
function csrfToken(): Promise<string> {
  const token = load()?.csrf;
  if (token) return Promise.resolve(token);
  pendingToken ??= (async () => {
    const res = await get('/api/csrf-token');
    if (!res.ok) {
      if (res.status === 401) signedOut('expired');
      throw await problemOf(res);
    }
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const stored = load();
    if (stored) save({ ...stored, csrf: csrfToken });
    return csrfToken;
  })().finally(() => {
    pendingToken = null;
  });
  return pendingToken;
}

let pendingRefresh: Promise<boolean> | null = null;

/**
 * Exchanges the refresh cookie for fresh cookies, once at a time in this
 * browser: a refresh token works once, and a second use of it would end the
 * session, so tabs take turns through a Web Lock and skip the exchange when
 * another tab has just made it.
 */
function refresh(): Promise<boolean> {
  const since = Date.now();
  const run = async (): Promise<boolean> => {
    const stored = load();
    if (!stored?.csrf) return false;
    if (stored.refreshedAt >= since && stored.expiresAt - Date.now() > MARGIN_MS) return true;
    const res = await get('/api/auth/refresh', {
      method: 'POST',
      headers: { 'x-csrf-token': stored.csrf },
    }).catch(() => null);
    if (!res?.ok) return false;
    const { expiresIn } = (await res.json()) as { expiresIn: number };
    const now = Date.now();
    save({ ...stored, expiresAt: now + expiresIn * 1000, refreshedAt: now });
    return true;
  };
  pendingRefresh ??= (
    navigator.locks ? navigator.locks.request('daybook-refresh', run) : run()
  ).finally(() => {
    pendingRefresh = null;
  });
  return pendingRefresh;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Whether the session still holds: a 401 can also refuse the password or code
 * a request carries (export, password change…), and that must neither end the
 * session nor be sent twice, since each try counts towards the lockout. The
 * answer is a fresh CSRF token, kept.
 */
async function sessionHolds(): Promise<boolean> {
  const res = await get('/api/csrf-token').catch(() => null);
  if (!res?.ok) return false;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const stored = load();
  if (stored) save({ ...stored, csrf: csrfToken });
  return true;
}

/**
 * Sends a request with the session: refreshed ahead of expiry, and after a
 * 401 that was about the session, refreshed and sent once more.
 */
async function withSession(send: (csrf: string | undefined) => Promise<Response>, write: boolean) {
  const stored = load();
  if (stored && stored.expiresAt - Date.now() < MARGIN_MS) await refresh();
  let res = await send(write ? await csrfToken() : undefined);
  if (res.status === 401) {
    if (await sessionHolds()) return res;
    if (!(await refresh())) {
      signedOut('expired');
      return res;
    }
    res = await send(write ? await csrfToken() : undefined);
    if (res.status === 401 && !(await sessionHolds())) signedOut('expired');
  } else if (res.status === 403 && write) {
    // A token from an earlier session (another tab signed in anew): ask for a fresh one, once.
    const problem = await res
      .clone()
      .json()
      .catch(() => null);
    if ((problem as Problem | null)?.type.endsWith('/csrf')) {
      const current = load();
      if (current) save({ ...current, csrf: null });
      res = await send(await csrfToken());
    }
  }
  return res;
}

function jsonInit(method: Method, body: unknown, csrf: string | undefined): RequestInit {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrf !== undefined) headers['x-csrf-token'] = csrf;
  return { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
}

/** An authenticated request whose answer is read by the caller (a download). */
export async function raw(method: Method, path: string, body?: unknown): Promise<Response> {
  const res = await withSession(
    (csrf) => get(path, jsonInit(method, body, csrf)),
    method !== 'GET',
  );
  if (!res.ok) throw await problemOf(res);
  return res;
}

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const res = await raw(method, path, body);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export type Query = Record<string, string | number | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null) params.set(k, `${v}`);
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  del: <T = void>(path: string, body?: unknown) => request<T>('DELETE', path, body),
};

/** Sends a file with upload progress (fetch reports none), through the same session rules. */
export async function upload<T>(
  path: string,
  file: Blob,
  onProgress: (sent: number, total: number) => void,
): Promise<T> {
  const send = (csrf: string | undefined) =>
    new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.setRequestHeader('content-type', 'application/json');
      xhr.setRequestHeader('accept', 'application/json');
      if (csrf !== undefined) xhr.setRequestHeader('x-csrf-token', csrf);
      xhr.responseType = 'blob';
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onload = () => {
        const empty = xhr.status === 204 || xhr.status === 205;
        resolve(
          new Response(empty ? null : (xhr.response as Blob), {
            status: xhr.status,
            headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' },
          }),
        );
      };
      xhr.onerror = () => reject(NETWORK);
      xhr.send(file);
    });
  const res = await withSession(send, true);
  if (!res.ok) throw await problemOf(res);
  return (await res.json()) as T;
}

// --- Signing in and out ------------------------------------------------------

interface CookieSession {
  transport: 'cookie';
  expiresIn: number;
}

export type LoginAnswer = { mfaToken: string } | null;

async function anonymous<T>(path: string, body: unknown): Promise<T> {
  const res = await get(path, jsonInit('POST', body, undefined));
  if (!res.ok) throw await problemOf(res);
  return (await res.json()) as T;
}

async function begin(session: CookieSession): Promise<void> {
  const now = Date.now();
  save({ csrf: null, expiresAt: now + session.expiresIn * 1000, refreshedAt: now });
  await csrfToken();
}

export async function signUp(email: string, password: string): Promise<string> {
  const { message } = await anonymous<{ message: string }>('/api/auth/signup', {
    email,
    password,
  });
  return message;
}

/** Null when signed in; the challenge token when a second factor is needed. */
export async function logIn(email: string, password: string): Promise<LoginAnswer> {
  const answer = await anonymous<CookieSession | { mfaRequired: true; mfaToken: string }>(
    '/api/auth/login',
    { email, password, transport: 'cookie' },
  );
  if ('mfaToken' in answer) return { mfaToken: answer.mfaToken };
  await begin(answer);
  return null;
}

/** A six-digit code goes as `code`, anything else as `recoveryCode`. */
export function secondFactor(value: string): { code: string } | { recoveryCode: string } {
  const trimmed = value.trim();
  return /^\d{6}$/.test(trimmed) ? { code: trimmed } : { recoveryCode: trimmed };
}

export async function verifyMfa(mfaToken: string, factor: string): Promise<void> {
  await begin(
    await anonymous<CookieSession>('/api/auth/verify-mfa', {
      mfaToken,
      ...secondFactor(factor),
      transport: 'cookie',
    }),
  );
}

export async function logOut(): Promise<void> {
  try {
    await api.post('/api/auth/logout');
  } finally {
    signedOut('logout');
  }
}

/** After the account is deleted: forget the session and show the login screen. */
export function accountDeleted(): void {
  signedOut('deleted');
}
