/** Sign-up, sign-in, token refresh, sign-out, profile, password and sessions. */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';

import type { IssuedTokens } from '../../auth/sessions/sessions.service.ts';
import type { Config } from '../../config/config.ts';
import { badRequest, notFound, unauthorized } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { currentUser } from '../plugins/authenticate.ts';
import type { CookieTransport } from '../plugins/cookies.ts';
import { perIp } from '../plugins/rate-limit.ts';
import { auditContext } from '../request-context.ts';
import {
  Body,
  Email,
  Password,
  Problem,
  RecoveryCode,
  Timestamp,
  TotpCode,
  Uuid,
} from '../schemas.ts';
import type { App } from '../types.ts';

const SIGNUP_MESSAGE =
  'If this address can be registered, the account is ready: sign in with your password.';

export const Tokens = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
});

const MfaChallenge = Type.Object({
  mfaRequired: Type.Literal(true),
  mfaToken: Type.String({ description: 'Single-use, 5 minutes; send it to /api/auth/verify-mfa' }),
});

const ProfileSchema = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.Union([Type.String(), Type.Null()]),
  timeZone: Type.Union([Type.String(), Type.Null()]),
  mfaEnabled: Type.Boolean(),
  createdAt: Timestamp,
});

const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'IANA time zone, e.g. Europe/Paris',
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function tokensOf(issued: { accessToken: string; refreshToken: string; expiresIn: number }) {
  return {
    accessToken: issued.accessToken,
    refreshToken: issued.refreshToken,
    tokenType: 'Bearer' as const,
    expiresIn: issued.expiresIn,
  };
}

/** A session delivered in cookies: nothing secret in the body. */
export const CookieSession = Type.Object({
  transport: Type.Literal('cookie'),
  expiresIn: Type.Integer({ description: 'Seconds until the access cookie expires' }),
});

export const Transport = Type.Optional(
  Type.Union([Type.Literal('bearer'), Type.Literal('cookie')], {
    description: 'bearer (default): tokens in the body; cookie: tokens only in __Host- cookies',
  }),
);

/** Answers a new or refreshed session in the transport the client asked for. */
export function deliverTokens(
  reply: FastifyReply,
  transport: CookieTransport,
  issued: IssuedTokens,
  via: 'bearer' | 'cookie' | undefined,
  newSession: boolean,
) {
  if (via !== 'cookie') return tokensOf(issued);
  transport.setTokens(reply, issued, newSession);
  return { transport: 'cookie' as const, expiresIn: issued.expiresIn };
}

export function authRoutes(
  app: App,
  services: Services,
  config: Config,
  transport: CookieTransport,
): void {
  const { accounts, sessions } = services;
  const tags = ['auth'];

  app.post(
    '/api/auth/signup',
    {
      config: { rateLimit: perIp(config.rateLimits.signup) },
      schema: {
        tags,
        summary: 'Create an account; the answer is the same whether or not the email is taken',
        body: Body({ email: Email, password: Password }),
        response: { 202: Type.Object({ message: Type.String() }), 400: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      await accounts.signup(request.body.email, request.body.password, auditContext(request));
      return reply.code(202).send({ message: SIGNUP_MESSAGE });
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { rateLimit: perIp(config.rateLimits.login) },
      schema: {
        tags,
        summary: 'Sign in with email and password',
        body: Body({
          email: Email,
          password: Password,
          transport: Transport,
        }),
        response: {
          200: Type.Union([Tokens, CookieSession, MfaChallenge]),
          401: Problem,
          429: Problem,
          503: Problem,
        },
      },
    },
    async (request, reply) => {
      const context = auditContext(request);
      // A cross-site page must not sign a browser into an account of its choosing.
      if (request.body.transport === 'cookie') transport.checkOrigin(request);
      const user = await accounts.verifyCredentials(
        request.body.email,
        request.body.password,
        context,
      );
      if (user.mfa_enabled === 1) {
        return { mfaRequired: true as const, mfaToken: await services.mfa.challenge(user.id) };
      }
      const issued = await accounts.completeLogin(user.id, context);
      return deliverTokens(reply, transport, issued, request.body.transport, true);
    },
  );

  app.post(
    '/api/auth/refresh',
    {
      config: { rateLimit: perIp(config.rateLimits.refresh) },
      // A cookie refresh may come with no body at all: validate it as `{}`.
      preValidation: async (request) => {
        request.body ??= {};
      },
      // Refreshing from the cookie is a cookie-authenticated write: same-origin
      // and a CSRF token bound to the refresh token's session.
      preHandler: [
        async (request) => {
          const cookieToken = transport.refreshToken(request);
          if (request.body?.refreshToken !== undefined || cookieToken === undefined) return;
          transport.checkOrigin(request);
          request.csrfSessionId = (await sessions.sessionIdOf(cookieToken)) ?? '';
        },
        transport.csrfHook,
      ],
      schema: {
        tags,
        summary:
          'Exchange a refresh token (body or cookie) for a new pair; the old one stops working',
        body: Body({ refreshToken: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) }),
        response: { 200: Type.Union([Tokens, CookieSession]), 401: Problem, 403: Problem },
      },
    },
    async (request, reply) => {
      const fromBody = request.body?.refreshToken;
      const token = fromBody ?? transport.refreshToken(request);
      if (token === undefined) throw unauthorized('The refresh token is invalid or expired');
      const issued = await sessions.refresh(token, auditContext(request));
      return deliverTokens(
        reply,
        transport,
        issued,
        fromBody === undefined ? 'cookie' : 'bearer',
        false,
      );
    },
  );

  app.post(
    '/api/auth/logout',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        summary: 'End the current session',
        response: { 204: Type.Null(), 401: Problem },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      await sessions.revoke(user.id, user.sessionId);
      services.dataKeys.forget(user.id);
      await services.audit(user.id, 'logout', auditContext(request));
      transport.clear(reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/csrf-token',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        summary:
          'A CSRF token for this session, to send as x-csrf-token on cookie-authenticated writes',
        response: { 200: Type.Object({ csrfToken: Type.String() }), 401: Problem },
      },
    },
    async (request, reply) => ({
      csrfToken: transport.csrfToken(reply, currentUser(request).sessionId),
    }),
  );

  app.get(
    '/api/auth/profile',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        summary: 'The signed-in account',
        response: { 200: ProfileSchema, 401: Problem },
      },
    },
    async (request) => accounts.profile(currentUser(request).id),
  );

  app.patch(
    '/api/auth/profile',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        summary: 'Change display name or time zone',
        body: Body({
          displayName: Type.Optional(
            Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()]),
          ),
          timeZone: Type.Optional(Type.Union([TimeZone, Type.Null()])),
        }),
        response: { 200: ProfileSchema, 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const { timeZone } = request.body;
      if (typeof timeZone === 'string' && !isTimeZone(timeZone)) {
        throw badRequest('timeZone is not a known IANA time zone', [
          { path: '/body/timeZone', message: 'is not a known time zone' },
        ]);
      }
      return accounts.updateProfile(currentUser(request).id, request.body, auditContext(request));
    },
  );

  app.post(
    '/api/auth/password',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        summary: 'Change the password; every other session ends',
        body: Body({
          currentPassword: Password,
          newPassword: Password,
          code: Type.Optional(TotpCode),
          recoveryCode: Type.Optional(RecoveryCode),
        }),
        response: { 204: Type.Null(), 400: Problem, 401: Problem },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { currentPassword, newPassword, ...factor } = request.body;
      const context = auditContext(request);
      // Recent authentication: the current password, and a code when MFA is on.
      const confirmed = await services.mfa.confirmIdentity(
        user.id,
        currentPassword,
        factor,
        context,
      );
      await accounts.changePassword(confirmed, user.sessionId, newPassword, context);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/sessions',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        summary: 'Your active sessions',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Uuid,
                createdAt: Timestamp,
                lastUsedAt: Timestamp,
                ip: Type.Union([Type.String(), Type.Null()]),
                userAgent: Type.Union([Type.String(), Type.Null()]),
                current: Type.Boolean(),
              }),
            ),
          }),
          401: Problem,
        },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const rows = await sessions.list(user.id);
      return {
        items: rows.map((s) => ({
          id: s.id,
          createdAt: s.created_at,
          lastUsedAt: s.last_used_at,
          ip: s.ip,
          userAgent: s.user_agent,
          current: s.id === user.sessionId,
        })),
      };
    },
  );

  app.delete(
    '/api/auth/sessions/:id',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        summary: 'End one of your sessions',
        params: Type.Object({ id: Uuid }),
        response: { 204: Type.Null(), 401: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const revoked = await sessions.revoke(user.id, request.params.id);
      if (!revoked) throw notFound('Session');
      await services.audit(user.id, 'session_revoked', auditContext(request));
      return reply.code(204).send(null);
    },
  );
}
