/**
 * Authentication, declared per route: `onRequest: app.requireUser` resolves
 * the bearer token or the access cookie to `request.user`, checks CSRF for
 * cookie-authenticated writes, then applies the per-user API rate limit. A missing, malformed, expired, forged
 * or revoked token gets the same 401.
 */
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';

import type { AuthenticatedUser } from '../../auth/sessions/sessions.service.ts';
import { unauthorized } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { App } from '../types.ts';
import type { CookieTransport } from './cookies.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireUser`; routes without it never read it. */
    user?: AuthenticatedUser;
  }
  interface FastifyInstance {
    requireUser: onRequestHookHandler[];
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length > 4096) return undefined;
  return BEARER.exec(header)?.[1];
}

/** The user set by `requireUser`; a route that forgot the hook fails loudly in tests. */
export function currentUser(request: FastifyRequest): AuthenticatedUser {
  if (!request.user) throw new Error('route is missing onRequest: app.requireUser');
  return request.user;
}

export function registerAuthenticate(
  app: App,
  services: Services,
  transport: CookieTransport,
  userLimit: onRequestHookHandler,
): void {
  app.decorateRequest('user', undefined);
  app.decorateRequest('csrfSessionId', undefined);

  async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    // An Authorization header decides alone: a bad bearer token never falls back to a cookie.
    if (request.headers.authorization !== undefined) {
      const token = bearerToken(request);
      const user = token ? await services.sessions.authenticate(token) : undefined;
      if (!user) throw unauthorized();
      request.user = user;
      return;
    }
    const cookieToken = transport.accessToken(request);
    const user = cookieToken ? await services.sessions.authenticate(cookieToken) : undefined;
    if (!user) throw unauthorized();
    request.user = user;
    // A cookie is an ambient credential: writes must prove they come from our own pages.
    transport.requireCsrf(request, user.sessionId);
  }

  app.decorate('requireUser', [
    authenticate as onRequestHookHandler,
    transport.csrfHook as onRequestHookHandler,
    userLimit,
  ]);
}
