/**
 * Data portability: export everything you wrote as one JSON document, and
 * import such a document back (docs/export-format.md). Registered from
 * accountRoutes.
 *
 * Both take the per-user API limit every authenticated route has; export
 * also meets the password lockout. (@fastify/rate-limit runs one limiter per
 * request, so a second, tighter one on these routes would never count.)
 */
import { Readable } from 'node:stream';

import { Type } from 'typebox';

import { ExportDocument } from '../../journal/transfer/document.ts';
import type { Services } from '../../services.ts';
import { currentUser } from '../plugins/authenticate.ts';
import { auditContext } from '../request-context.ts';
import { Problem } from '../schemas.ts';
import type { App } from '../types.ts';
import { ConfirmIdentity } from './account.ts';

/** An import carries a whole journal: 64 MiB of JSON, some ten years of long daily entries. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

const Counts = Type.Object({
  entries: Type.Integer(),
  pillars: Type.Integer(),
  feels: Type.Integer({ description: 'Mornings and evenings, each counted once' }),
  habits: Type.Integer(),
  habitChecks: Type.Integer(),
  moods: Type.Integer(),
  moodLogs: Type.Integer(),
  weeklyRecaps: Type.Integer(),
});

const ImportAnswer = Type.Object({
  imported: Counts,
  skipped: Type.Object(Counts.properties, {
    description: 'Rows the account already had (merge mode), so not written',
  }),
});

const ImportQuery = Type.Object(
  {
    mode: Type.Optional(
      Type.Union([Type.Literal('empty'), Type.Literal('merge')], {
        description:
          'empty (default): only into an account without journal data, else 409. ' +
          'merge: what the account has wins; rows of the same date, week or name are skipped',
      }),
    ),
  },
  { additionalProperties: false },
);

export function transferRoutes(app: App, services: Services): void {
  const tags = ['account'];
  const security = [{ bearer: [] }];

  app.post(
    '/api/account/export',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary:
          'Everything you wrote, decrypted, as one JSON document, streamed as it is read; ' +
          'needs your password, and a code when MFA is on',
        body: ConfirmIdentity,
        response: { 200: ExportDocument, 400: Problem, 401: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      const { password, ...factor } = request.body;
      const chunks = await services.transfer.export(
        currentUser(request).id,
        password,
        factor,
        auditContext(request),
      );
      const day = new Date().toISOString().slice(0, 10);
      reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="daybook-export-${day}.json"`);
      // A stream skips the serializer; the 200 schema documents what it carries.
      return reply.send(Readable.from(chunks) as never);
    },
  );

  app.post(
    '/api/account/import',
    {
      onRequest: app.requireUser,
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags,
        security,
        summary:
          'Bring an export back: checked in full, then written all or nothing. ' +
          'Needs only a signed-in user: it adds, and never changes what the account has',
        querystring: ImportQuery,
        body: ExportDocument,
        response: { 200: ImportAnswer, 400: Problem, 401: Problem, 409: Problem, 429: Problem },
      },
    },
    async (request) =>
      services.transfer.import(
        currentUser(request).id,
        request.body,
        request.query.mode ?? 'empty',
        auditContext(request),
      ),
  );
}
