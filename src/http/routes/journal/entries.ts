/** Entries: one per day, linked to pillars, and word search over their decrypted text. */
import { Type } from 'typebox';

import { checkRange } from '../../../journal/calendar.ts';
import { EntryFields, MAX_PILLARS_PER_ENTRY } from '../../../journal/entries/entries.service.ts';
import type { Journal } from '../../../journal/journal.ts';
import { DEFAULT_LIMIT } from '../../../pagination.ts';
import { currentUser } from '../../plugins/authenticate.ts';
import { Body, IsoDate, ListQuery, pageOf, Problem, Timestamp, Uuid } from '../../schemas.ts';
import type { App } from '../../types.ts';
import {
  BODY_LIMIT,
  DateParams,
  NoContent,
  NoQuery,
  optional,
  PagedRangeQuery,
  problems,
  security,
} from './common.ts';

const EntrySchema = Type.Object({
  id: Uuid,
  date: IsoDate,
  title: Type.String(),
  content: Type.String(),
  pillarIds: Type.Array(Uuid),
  completed: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const PillarIds = Type.Array(Uuid, {
  maxItems: MAX_PILLARS_PER_ENTRY,
  description: 'Ids of your own pillars; replaces the links when given',
});

const SearchHit = Type.Object({ date: IsoDate, title: Type.String(), snippet: Type.String() });

export function entryRoutes(app: App, journal: Journal): void {
  const { entries } = journal;
  const tags = ['entries'];

  app.get(
    '/api/entries',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Your entries, newest first, optionally from/to a date',
        querystring: PagedRangeQuery,
        response: { 200: pageOf(EntrySchema), 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const { from, to, limit = DEFAULT_LIMIT, cursor } = request.query;
      checkRange({ from, to });
      return entries.list(currentUser(request).id, { from, to, limit, cursor });
    },
  );

  app.get(
    '/api/entries/search',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Entries holding every word of q (case and accent insensitive), newest first',
        querystring: Type.Object(
          { q: Type.String({ minLength: 1, maxLength: 200 }), ...ListQuery },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(SearchHit), 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const { q, limit = DEFAULT_LIMIT, cursor } = request.query;
      return entries.search(currentUser(request).id, q, limit, cursor);
    },
  );

  app.post(
    '/api/entries',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.entry,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: "Write a day's entry; 409 when that day already has one",
        body: Body({
          date: IsoDate,
          content: EntryFields.content,
          title: Type.Optional(EntryFields.title),
          pillarIds: Type.Optional(PillarIds),
          completed: Type.Optional(EntryFields.completed),
        }),
        response: { 201: EntrySchema, ...problems, 409: Problem },
      },
    },
    async (request, reply) => {
      const entry = await entries.create(currentUser(request).id, request.body);
      return reply.code(201).send(entry);
    },
  );

  app.get(
    '/api/entries/:date',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: "The day's entry",
        params: DateParams,
        response: { 200: EntrySchema, ...problems },
      },
    },
    async (request) => entries.get(currentUser(request).id, request.params.date),
  );

  app.patch(
    '/api/entries/:date',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.entry,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: "Change the day's entry; fields left out stay as they are",
        params: DateParams,
        body: Body({ ...optional(EntryFields), pillarIds: Type.Optional(PillarIds) }),
        response: { 200: EntrySchema, ...problems },
      },
    },
    async (request) => entries.update(currentUser(request).id, request.params.date, request.body),
  );

  app.delete(
    '/api/entries/:date',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: "Delete the day's entry",
        params: DateParams,
        response: { 204: NoContent, ...problems },
      },
    },
    async (request, reply) => {
      await entries.remove(currentUser(request).id, request.params.date);
      return reply.code(204).send(null);
    },
  );
}
