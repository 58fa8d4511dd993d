/** The account itself: its security trail, and deleting it. */
import { Type } from 'typebox';

import { listEvents } from '../../auth/audit/audit.repository.ts';
import type { AppDeps } from '../../context.ts';
import type { Services } from '../../services.ts';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../../pagination.ts';
import { currentUser } from '../plugins/authenticate.ts';
import type { CookieTransport } from '../plugins/cookies.ts';
import { auditContext } from '../request-context.ts';
import {
  Body,
  ListQuery,
  pageOf,
  Password,
  Problem,
  RecoveryCode,
  Timestamp,
  TotpCode,
} from '../schemas.ts';
import type { App } from '../types.ts';
import { transferRoutes } from './export.ts';

const Event = Type.Object({
  type: Type.String(),
  at: Timestamp,
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
});

/** Recent authentication: the password, and a code when MFA is on, in the request itself. */
export const ConfirmIdentity = Body({
  password: Password,
  code: Type.Optional(TotpCode),
  recoveryCode: Type.Optional(RecoveryCode),
});

export function accountRoutes(
  app: App,
  deps: AppDeps,
  services: Services,
  transport: CookieTransport,
): void {
  transferRoutes(app, services);

  app.delete(
    '/api/account',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['account'],
        summary:
          'Delete the account: its data key is destroyed first, so nothing it held can be read again',
        body: ConfirmIdentity,
        response: { 204: Type.Null(), 400: Problem, 401: Problem },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { password, ...factor } = request.body;
      await services.mfa.confirmIdentity(user.id, password, factor, auditContext(request));
      await services.deletion.shred(user.id);
      // The vault purge runs on after the answer; an interrupted one is finished at the next start.
      services.deletion.purge(user.id).catch((err: unknown) => {
        request.log.error({ err }, 'vault purge interrupted; it resumes at the next start');
      });
      transport.clear(reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/account/activity',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['account'],
        summary: 'Your security events, newest first',
        querystring: Type.Object(ListQuery, { additionalProperties: false }),
        response: { 200: pageOf(Event), 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const after = request.query.cursor ? decodeCursor(request.query.cursor, 2) : undefined;
      const rows = await listEvents(
        deps.platform.db,
        currentUser(request).id,
        limit + 1,
        after ? { at: after[0] ?? '', id: after[1] ?? '' } : undefined,
      );
      return toPage(
        rows,
        limit,
        (r) => [r.at, r.id],
        (r) => ({ type: r.type, at: r.at, ip: r.ip, userAgent: r.userAgent }),
      );
    },
  );
}
