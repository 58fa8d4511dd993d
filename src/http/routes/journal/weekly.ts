/** Weekly recaps: your own reflections on an ISO week, always with its computed summary. */
import { Type } from 'typebox';

import { requireWeek } from '../../../journal/calendar.ts';
import type { Journal } from '../../../journal/journal.ts';
import { RecapFields } from '../../../journal/weekly/weekly.service.ts';
import { DEFAULT_LIMIT } from '../../../pagination.ts';
import { currentUser } from '../../plugins/authenticate.ts';
import { Body, IsoWeek, ListQuery, pageOf, Problem, Timestamp } from '../../schemas.ts';
import type { App } from '../../types.ts';
import { BODY_LIMIT, NoQuery, optional, security, WeekParams } from './common.ts';
import { PillarScoreSchema } from './pillars.ts';

const RecapSchema = Type.Object({
  week: IsoWeek,
  wins: Type.String(),
  patterns: Type.String(),
  courseCorrections: Type.String(),
  summary: Type.Object({
    pillars: Type.Array(PillarScoreSchema),
    feels: Type.Object({
      mentalStateAverage: Type.Union([Type.Number(), Type.Null()]),
      topEmotion: Type.Union([Type.String(), Type.Null()]),
      days: Type.Integer({ description: 'Days of the week with a check-in' }),
    }),
    habits: Type.Object({
      completionRate: Type.Number({
        description: 'Check-offs done / possible, over the days of the week so far (0-1)',
      }),
    }),
  }),
  updatedAt: Type.Union([Timestamp, Type.Null()], { description: 'null until you write it' }),
});

export function weeklyRoutes(app: App, journal: Journal): void {
  const { weekly } = journal;
  const tags = ['weekly'];

  app.get(
    '/api/weekly',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'The weeks you wrote a recap for, newest first',
        querystring: Type.Object(ListQuery, { additionalProperties: false }),
        response: { 200: pageOf(RecapSchema), 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const { limit = DEFAULT_LIMIT, cursor } = request.query;
      return weekly.list(currentUser(request).id, limit, cursor);
    },
  );

  app.get(
    '/api/weekly/current',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: "This week's recap in your time zone, with its summary even if nothing is written",
        response: { 200: RecapSchema, 401: Problem },
      },
    },
    async (request) => weekly.current(currentUser(request).id),
  );

  app.get(
    '/api/weekly/:week',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: "A week's recap (empty texts until written) with its summary",
        params: WeekParams,
        response: { 200: RecapSchema, 400: Problem, 401: Problem },
      },
    },
    async (request) =>
      weekly.get(currentUser(request).id, requireWeek(request.params.week, '/params/week')),
  );

  app.put(
    '/api/weekly/:week',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.recap,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: "Write a week's recap; fields left out keep what was written",
        params: WeekParams,
        body: Body(optional(RecapFields)),
        response: { 200: RecapSchema, 400: Problem, 401: Problem },
      },
    },
    async (request) =>
      weekly.put(
        currentUser(request).id,
        requireWeek(request.params.week, '/params/week'),
        request.body,
      ),
  );
}
