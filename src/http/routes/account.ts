/** The account's own security trail. */
import { Type } from 'typebox';

import { listEvents } from '../../auth/audit/audit.repository.ts';
import type { AppDeps } from '../../context.ts';
import { decodeCursor, DEFAULT_LIMIT, toPage } from '../../pagination.ts';
import { currentUser } from '../plugins/authenticate.ts';
import { ListQuery, pageOf, Problem, Timestamp } from '../schemas.ts';
import type { App } from '../types.ts';

const Event = Type.Object({
  type: Type.String(),
  at: Timestamp,
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
});

export function accountRoutes(app: App, deps: AppDeps): void {
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
