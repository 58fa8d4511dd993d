/** Habits: list, create, change, delete, reorder, daily check-offs, today's list and history. */
import { Type } from 'typebox';

import { checkRange } from '../../../journal/calendar.ts';
import { HabitFields } from '../../../journal/habits/habits.service.ts';
import type { Journal } from '../../../journal/journal.ts';
import { MAX_ITEMS } from '../../../journal/ordered.ts';
import { currentUser } from '../../plugins/authenticate.ts';
import { Body, IsoDate, pageOf, Problem, Timestamp, Uuid } from '../../schemas.ts';
import type { App } from '../../types.ts';
import {
  BODY_LIMIT,
  IdDateParams,
  IdParams,
  NoContent,
  NoQuery,
  problems,
  security,
} from './common.ts';

const HabitSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  position: Type.Integer(),
  archived: Type.Boolean(),
  streak: Type.Object({
    current: Type.Integer({ description: 'Checked days in a row, ending today or yesterday' }),
    longest: Type.Integer({ description: 'The longest run of checked days' }),
  }),
  createdAt: Timestamp,
});

const AsOfQuery = Type.Object({ date: Type.Optional(IsoDate) }, { additionalProperties: false });

export function habitRoutes(app: App, journal: Journal): void {
  const { habits } = journal;
  const tags = ['habits'];

  app.get(
    '/api/habits',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary: `All your habits by position with streaks (at most ${MAX_ITEMS}, one page)`,
        querystring: AsOfQuery,
        response: { 200: pageOf(HabitSchema), 400: Problem, 401: Problem },
      },
    },
    async (request) => ({
      items: await habits.list(currentUser(request).id, request.query.date),
      nextCursor: null,
    }),
  );

  app.post(
    '/api/habits',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.small,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Create a habit at the end of the list',
        body: Body(HabitFields),
        response: { 201: HabitSchema, 400: Problem, 401: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const habit = await habits.create(currentUser(request).id, request.body.name);
      return reply.code(201).send(habit);
    },
  );

  app.put(
    '/api/habits/order',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.small,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Reorder: ids lists every one of your habits once, in the new order',
        body: Body({ ids: Type.Array(Uuid, { maxItems: MAX_ITEMS }) }),
        response: { 200: pageOf(HabitSchema), 400: Problem, 401: Problem },
      },
    },
    async (request) => ({
      items: await habits.reorder(currentUser(request).id, request.body.ids),
      nextCursor: null,
    }),
  );

  app.get(
    '/api/habits/today',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Habits not archived, each with whether it is done that day (default: today)',
        querystring: AsOfQuery,
        response: {
          200: Type.Object({
            date: IsoDate,
            items: Type.Array(Type.Object({ habit: HabitSchema, done: Type.Boolean() })),
          }),
          400: Problem,
          401: Problem,
        },
      },
    },
    async (request) => habits.today(currentUser(request).id, request.query.date),
  );

  app.get(
    '/api/habits/history',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'For every habit, the days checked from/to (inclusive, at most 366 days)',
        querystring: Type.Object({ from: IsoDate, to: IsoDate }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ habitId: Uuid, dates: Type.Array(IsoDate) })),
          }),
          400: Problem,
          401: Problem,
        },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      checkRange({ from, to });
      return habits.history(currentUser(request).id, from, to);
    },
  );

  app.patch(
    '/api/habits/:id',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.small,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Rename, archive or restore a habit',
        params: IdParams,
        body: Body({
          name: Type.Optional(HabitFields.name),
          archived: Type.Optional(Type.Boolean()),
        }),
        response: { 200: HabitSchema, ...problems },
      },
    },
    async (request) => habits.update(currentUser(request).id, request.params.id, request.body),
  );

  app.delete(
    '/api/habits/:id',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Delete a habit and its check-offs',
        params: IdParams,
        response: { 204: NoContent, ...problems },
      },
    },
    async (request, reply) => {
      await habits.remove(currentUser(request).id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/habits/:id/checks/:date',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Mark the habit done that day (doing it twice is the same as once)',
        params: IdDateParams,
        response: { 204: NoContent, ...problems },
      },
    },
    async (request, reply) => {
      await habits.check(currentUser(request).id, request.params.id, request.params.date);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/habits/:id/checks/:date',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Mark the habit not done that day',
        params: IdDateParams,
        response: { 204: NoContent, ...problems },
      },
    },
    async (request, reply) => {
      await habits.uncheck(currentUser(request).id, request.params.id, request.params.date);
      return reply.code(204).send(null);
    },
  );
}
