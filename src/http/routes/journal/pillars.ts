/** Pillars: list, create, get, change, delete, reorder, and weekly scores. */
import { Type } from 'typebox';

import { requireWeek } from '../../../journal/calendar.ts';
import type { Journal } from '../../../journal/journal.ts';
import { MAX_ITEMS } from '../../../journal/ordered.ts';
import { PillarFields } from '../../../journal/pillars/pillars.service.ts';
import { currentUser } from '../../plugins/authenticate.ts';
import { Body, IsoWeek, pageOf, Problem, Timestamp, Uuid } from '../../schemas.ts';
import type { App } from '../../types.ts';
import {
  BODY_LIMIT,
  IdParams,
  NoContent,
  NoQuery,
  optional,
  problems,
  security,
} from './common.ts';

const PillarSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  color: Type.Union([Type.String(), Type.Null()]),
  icon: Type.Union([Type.String(), Type.Null()]),
  target: Type.Integer(),
  current: Type.Number(),
  archived: Type.Boolean(),
  position: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const PillarScoreSchema = Type.Object({
  pillarId: Uuid,
  name: Type.String(),
  entries: Type.Integer(),
  target: Type.Integer(),
  ratio: Type.Number({ description: 'entries / target (two decimals); 0 without a target' }),
});

const { name, ...rest } = PillarFields;

export function pillarRoutes(app: App, journal: Journal): void {
  const { pillars } = journal;
  const tags = ['pillars'];

  app.get(
    '/api/pillars',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary: `All your pillars by position (at most ${MAX_ITEMS}, one page)`,
        querystring: NoQuery,
        response: { 200: pageOf(PillarSchema), 400: Problem, 401: Problem },
      },
    },
    async (request) => ({ items: await pillars.list(currentUser(request).id), nextCursor: null }),
  );

  app.post(
    '/api/pillars',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.small,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Create a pillar at the end of the list',
        body: Body({ name, ...optional(rest) }),
        response: { 201: PillarSchema, 400: Problem, 401: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const pillar = await pillars.create(currentUser(request).id, request.body);
      return reply.code(201).send(pillar);
    },
  );

  app.put(
    '/api/pillars/order',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.small,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Reorder: ids lists every one of your pillars once, in the new order',
        body: Body({ ids: Type.Array(Uuid, { maxItems: MAX_ITEMS }) }),
        response: { 200: pageOf(PillarSchema), 400: Problem, 401: Problem },
      },
    },
    async (request) => ({
      items: await pillars.reorder(currentUser(request).id, request.body.ids),
      nextCursor: null,
    }),
  );

  app.get(
    '/api/pillars/scores',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary:
          'Per pillar, linked entries of an ISO week against its target (default: this week)',
        querystring: Type.Object({ week: Type.Optional(IsoWeek) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ week: IsoWeek, items: Type.Array(PillarScoreSchema) }),
          400: Problem,
          401: Problem,
        },
      },
    },
    async (request) => {
      const { week } = request.query;
      const range = week === undefined ? undefined : requireWeek(week, '/querystring/week');
      return pillars.scores(currentUser(request).id, range);
    },
  );

  app.get(
    '/api/pillars/:id',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'One pillar',
        params: IdParams,
        response: { 200: PillarSchema, ...problems },
      },
    },
    async (request) => pillars.get(currentUser(request).id, request.params.id),
  );

  app.patch(
    '/api/pillars/:id',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.small,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Change a pillar; fields left out stay as they are',
        params: IdParams,
        body: Body({ ...optional(PillarFields), archived: Type.Optional(Type.Boolean()) }),
        response: { 200: PillarSchema, ...problems },
      },
    },
    async (request) => pillars.update(currentUser(request).id, request.params.id, request.body),
  );

  app.delete(
    '/api/pillars/:id',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: 'Delete a pillar; entries stay, their links to it go',
        params: IdParams,
        response: { 204: NoContent, ...problems },
      },
    },
    async (request, reply) => {
      await pillars.remove(currentUser(request).id, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
