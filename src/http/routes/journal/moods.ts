/** Moods: system moods plus your own (create, change, archive, restore, delete), and the mood log. */
import { Type } from 'typebox';

import { checkRange } from '../../../journal/calendar.ts';
import type { Journal } from '../../../journal/journal.ts';
import { MoodFields, MoodLogFields } from '../../../journal/moods/moods.service.ts';
import { DEFAULT_LIMIT } from '../../../pagination.ts';
import { currentUser } from '../../plugins/authenticate.ts';
import { Body, pageOf, Problem, Timestamp, Uuid } from '../../schemas.ts';
import type { App } from '../../types.ts';
import {
  BODY_LIMIT,
  IdParams,
  NoContent,
  NoQuery,
  optional,
  PagedRangeQuery,
  problems,
  security,
} from './common.ts';

const MoodSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  emoji: Type.String(),
  system: Type.Boolean(),
  archived: Type.Boolean(),
});

const MoodLogSchema = Type.Object({
  id: Uuid,
  moodId: Uuid,
  note: Type.Union([Type.String(), Type.Null()]),
  at: Timestamp,
});

/** Changing a system mood is refused with 403. */
const ownMoodProblems = { ...problems, 403: Problem };

export function moodRoutes(app: App, journal: Journal): void {
  const { moods } = journal;
  const tags = ['moods'];

  app.get(
    '/api/moods',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'The system moods, then your own (archived ones included, flagged)',
        querystring: NoQuery,
        response: { 200: pageOf(MoodSchema), 400: Problem, 401: Problem },
      },
    },
    async (request) => ({ items: await moods.list(currentUser(request).id), nextCursor: null }),
  );

  app.post(
    '/api/moods',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.small,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Create a mood of your own',
        body: Body(MoodFields),
        response: { 201: MoodSchema, 400: Problem, 401: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const mood = await moods.create(currentUser(request).id, request.body);
      return reply.code(201).send(mood);
    },
  );

  app.post(
    '/api/moods/log',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.small,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Log a mood (a system mood or one of your own), now or at a given time',
        body: Body({
          moodId: Uuid,
          note: Type.Optional(MoodLogFields.note),
          at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
        }),
        response: { 201: MoodLogSchema, ...problems },
      },
    },
    async (request, reply) => {
      const logged = await moods.log(currentUser(request).id, request.body);
      return reply.code(201).send(logged);
    },
  );

  app.get(
    '/api/moods/log',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Your mood log, newest first; from/to are UTC days, inclusive',
        querystring: PagedRangeQuery,
        response: { 200: pageOf(MoodLogSchema), 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const { from, to, limit = DEFAULT_LIMIT, cursor } = request.query;
      checkRange({ from, to });
      return moods.listLog(currentUser(request).id, { from, to, limit, cursor });
    },
  );

  app.patch(
    '/api/moods/:id',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.small,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Change a mood of your own (system moods cannot be changed: 403)',
        params: IdParams,
        body: Body(optional(MoodFields)),
        response: { 200: MoodSchema, ...ownMoodProblems },
      },
    },
    async (request) => moods.update(currentUser(request).id, request.params.id, request.body),
  );

  app.delete(
    '/api/moods/:id',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Delete a mood of your own; one in your log is kept (409): archive it instead',
        params: IdParams,
        response: { 204: NoContent, ...ownMoodProblems, 409: Problem },
      },
    },
    async (request, reply) => {
      await moods.remove(currentUser(request).id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  for (const [action, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    app.post(
      `/api/moods/:id/${action}`,
      {
        onRequest: app.requireUser,
        schema: {
          tags,
          security,
          querystring: NoQuery,
          summary: archived ? 'Archive a mood of your own' : 'Restore an archived mood',
          params: IdParams,
          response: { 200: MoodSchema, ...ownMoodProblems },
        },
      },
      async (request) => moods.setArchived(currentUser(request).id, request.params.id, archived),
    );
  }
}
