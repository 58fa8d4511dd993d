/** Two-factor authentication: enrolment, the second login step, disabling, recovery codes. */
import { Type } from 'typebox';

import type { Config } from '../../config/config.ts';
import type { Services } from '../../services.ts';
import { currentUser } from '../plugins/authenticate.ts';
import type { CookieTransport } from '../plugins/cookies.ts';
import { perIp } from '../plugins/rate-limit.ts';
import { auditContext } from '../request-context.ts';
import { Body, Password, Problem, RecoveryCode, TotpCode } from '../schemas.ts';
import type { App } from '../types.ts';
import { CookieSession, deliverTokens, Tokens, Transport } from './auth.ts';

const RecoveryCodes = Type.Object({
  recoveryCodes: Type.Array(Type.String(), { minItems: 10, maxItems: 10 }),
});
/** Password plus a TOTP code (or a recovery code, when the phone is lost). */
const Reauth = Type.Union([
  Body({ password: Password, code: TotpCode }),
  Body({ password: Password, recoveryCode: RecoveryCode }),
]);

export function mfaRoutes(
  app: App,
  services: Services,
  config: Config,
  transport: CookieTransport,
): void {
  const { mfa } = services;
  const tags = ['mfa'];

  app.post(
    '/api/auth/mfa/setup',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        summary: 'Start enrolment: a new secret, its otpauth:// URI and a QR code, shown once',
        response: {
          200: Type.Object({
            secret: Type.String(),
            otpauthUri: Type.String(),
            qrCode: Type.String(),
          }),
          401: Problem,
          409: Problem,
        },
      },
    },
    async (request) => mfa.setup(currentUser(request).id),
  );

  app.post(
    '/api/auth/enable-mfa',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        summary:
          'Confirm enrolment with the password and a code; returns ten single-use recovery codes, once',
        body: Body({ password: Password, code: TotpCode }),
        response: { 200: RecoveryCodes, 400: Problem, 401: Problem, 409: Problem },
      },
    },
    async (request) => ({
      recoveryCodes: await mfa.enable(
        currentUser(request).id,
        request.body.password,
        request.body.code,
        auditContext(request),
      ),
    }),
  );

  app.post(
    '/api/auth/verify-mfa',
    {
      config: { rateLimit: perIp(config.rateLimits.mfa) },
      schema: {
        tags,
        summary: 'Second login step: exchange the challenge and a code for a session',
        body: Type.Union([
          Body({
            mfaToken: Type.String({ maxLength: 2048 }),
            code: TotpCode,
            transport: Transport,
          }),
          Body({
            mfaToken: Type.String({ maxLength: 2048 }),
            recoveryCode: RecoveryCode,
            transport: Transport,
          }),
        ]),
        response: {
          200: Type.Union([Tokens, CookieSession]),
          400: Problem,
          401: Problem,
          403: Problem,
          429: Problem,
        },
      },
    },
    async (request, reply) => {
      const { mfaToken, transport: via, ...factor } = request.body;
      if (via === 'cookie') transport.checkOrigin(request);
      const issued = await mfa.verifyLogin(mfaToken, factor, auditContext(request));
      return deliverTokens(reply, transport, issued, via, true);
    },
  );

  app.post(
    '/api/auth/mfa/disable',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        summary: 'Turn two-factor authentication off (password and a code required)',
        body: Reauth,
        response: { 204: Type.Null(), 400: Problem, 401: Problem },
      },
    },
    async (request, reply) => {
      const { password, ...factor } = request.body;
      await mfa.disable(currentUser(request).id, password, factor, auditContext(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/mfa/recovery-codes',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        summary: 'Replace the recovery codes (password and a code required)',
        body: Reauth,
        response: { 200: RecoveryCodes, 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const { password, ...factor } = request.body;
      return {
        recoveryCodes: await mfa.regenerateRecoveryCodes(
          currentUser(request).id,
          password,
          factor,
          auditContext(request),
        ),
      };
    },
  );
}
