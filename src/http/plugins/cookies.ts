/**
 * Cookie transport and CSRF protection for the web client (DESIGN.md section 6).
 *
 * With `transport: "cookie"` the tokens travel only in `__Host-` cookies
 * (HttpOnly, Secure, SameSite=Strict, Path=/), never in a body. A request
 * authenticated by such a cookie carries an ambient credential, so every
 * state-changing one needs both a same-origin `Origin` (or
 * `Sec-Fetch-Site: same-origin`) and a CSRF token from `GET /api/csrf-token`,
 * signed by @fastify/csrf-protection and bound to the session it was issued
 * for. Bearer requests carry no ambient credential and need neither.
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { IssuedTokens } from '../../auth/sessions/sessions.service.ts';
import type { Config } from '../../config/config.ts';
import { deriveKey } from '../../crypto/keyring.ts';
import { forbidden } from '../../errors.ts';
import type { App } from '../types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session a CSRF token must be bound to, once known. */
    csrfSessionId?: string;
  }
}

export interface CookieNames {
  readonly access: string;
  readonly refresh: string;
  readonly csrf: string;
}

/** `__Host-` names need Secure; COOKIE_SECURE=false (plain HTTP) drops both. */
export function cookieNames(config: Config): CookieNames {
  const prefix = config.cookieSecure ? '__Host-' : '';
  return {
    access: `${prefix}daybook-access`,
    refresh: `${prefix}daybook-refresh`,
    csrf: `${prefix}daybook-csrf`,
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class CookieTransport {
  readonly names: CookieNames;

  constructor(
    private readonly app: App,
    private readonly config: Config,
  ) {
    this.names = cookieNames(config);
  }

  private options(maxAgeSeconds: number) {
    return {
      path: '/',
      httpOnly: true,
      secure: this.config.cookieSecure,
      sameSite: 'strict' as const,
      maxAge: maxAgeSeconds,
    };
  }

  /**
   * Sets fresh token cookies. A new session also drops any CSRF secret from
   * before the login, so nothing planted earlier is valid afterwards.
   */
  setTokens(reply: FastifyReply, tokens: IssuedTokens, newSession: boolean): void {
    reply.setCookie(this.names.access, tokens.accessToken, this.options(tokens.expiresIn));
    reply.setCookie(
      this.names.refresh,
      tokens.refreshToken,
      this.options(this.config.refreshTokenTtlSeconds),
    );
    if (newSession) reply.clearCookie(this.names.csrf, this.options(0));
  }

  clear(reply: FastifyReply): void {
    for (const name of Object.values(this.names)) reply.clearCookie(name, this.options(0));
  }

  accessToken(request: FastifyRequest): string | undefined {
    return request.cookies[this.names.access];
  }

  refreshToken(request: FastifyRequest): string | undefined {
    return request.cookies[this.names.refresh];
  }

  /** The origins a cookie-authenticated write may come from: our own, plus CORS_ORIGINS. */
  private allowedOrigins(request: FastifyRequest): string[] {
    const own = this.config.publicOrigin ?? `${request.protocol}://${request.host}`;
    return [own, ...this.config.corsOrigins];
  }

  /** Refuses a cross-site request: the Origin must be ours, or the browser must say same-origin. */
  checkOrigin(request: FastifyRequest): void {
    const origin = request.headers.origin;
    if (typeof origin === 'string') {
      if (!this.allowedOrigins(request).includes(origin)) {
        throw forbidden('Cross-site request refused');
      }
      return;
    }
    if (request.headers['sec-fetch-site'] !== 'same-origin') {
      throw forbidden('Cross-site request refused: send an Origin header');
    }
  }

  /**
   * Marks a cookie-authenticated request for the CSRF check and refuses a
   * cross-site one at once. Safe methods change nothing and pass.
   */
  requireCsrf(request: FastifyRequest, sessionId: string): void {
    if (SAFE_METHODS.has(request.method)) return;
    this.checkOrigin(request);
    request.csrfSessionId = sessionId;
  }

  /**
   * Callback-style hook: verifies the CSRF token of a request marked by
   * {@link requireCsrf}; @fastify/csrf-protection answers 403 itself.
   */
  readonly csrfHook = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: (err?: Error) => void,
  ) => {
    if (request.csrfSessionId === undefined) return done();
    this.app.csrfProtection(request, reply, done);
  };

  /** A CSRF token for the caller's session (the secret lives in an HttpOnly cookie). */
  csrfToken(reply: FastifyReply, sessionId: string): string {
    return reply.generateCsrf({ userInfo: sessionId });
  }
}

export async function registerCookies(app: App, config: Config): Promise<CookieTransport> {
  const names = cookieNames(config);
  await app.register(cookie);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: names.csrf,
    cookieOpts: { path: '/', httpOnly: true, secure: config.cookieSecure, sameSite: 'strict' },
    csrfOpts: { hmacKey: deriveKey(config.jwtSecret, 'daybook/csrf/v1') },
    // Only the header counts: a form field could be planted by a cross-site form.
    getToken: (request: FastifyRequest) => {
      const token = request.headers['x-csrf-token'];
      return typeof token === 'string' ? token : undefined;
    },
    // Binds every token to one session: a token from another session fails.
    getUserInfo: (request: FastifyRequest) => request.csrfSessionId ?? '',
  });
  return new CookieTransport(app, config);
}
