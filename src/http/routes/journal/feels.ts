/** Feels: the morning pulse and the end-of-day reflection of a day, and their history. */
import { Type } from 'typebox';

import { checkRange } from '../../../journal/calendar.ts';
import {
  Evening,
  EveningFields,
  Morning,
  MorningFields,
} from '../../../journal/feels/feels.service.ts';
import type { Journal } from '../../../journal/journal.ts';
import { DEFAULT_LIMIT } from '../../../pagination.ts';
import { currentUser } from '../../plugins/authenticate.ts';
import { Body, IsoDate, pageOf, Problem, Uuid } from '../../schemas.ts';
import type { App } from '../../types.ts';
import { BODY_LIMIT, DateParams, NoQuery, PagedRangeQuery, problems, security } from './common.ts';

const DaySchema = Type.Object({
  date: IsoDate,
  morning: Type.Union([Morning, Type.Null()]),
  evening: Type.Union([Evening, Type.Null()]),
});

/** PUT bodies: the rating and the choice are required; texts default to "" and habits to []. */
const MorningBody = Body({
  mentalState: MorningFields.mentalState,
  strongestEmotion: Type.Optional(MorningFields.strongestEmotion),
  avoiding: Type.Optional(MorningFields.avoiding),
  habitsDone: Type.Optional(Type.Array(Uuid, { maxItems: 100 })),
});

const EveningBody = Body({
  gaveEnergy: Type.Optional(EveningFields.gaveEnergy),
  drainedEnergy: Type.Optional(EveningFields.drainedEnergy),
  pressureOrPurpose: EveningFields.pressureOrPurpose,
  honestNote: Type.Optional(EveningFields.honestNote),
});

export function feelsRoutes(app: App, journal: Journal): void {
  const { feels } = journal;
  const tags = ['feels'];

  app.put(
    '/api/feels/:date/morning',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.small,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: "Write (or replace) the day's morning pulse",
        params: DateParams,
        body: MorningBody,
        response: { 200: DaySchema, ...problems },
      },
    },
    async (request) => {
      const body = request.body;
      return feels.putMorning(currentUser(request).id, request.params.date, {
        mentalState: body.mentalState,
        strongestEmotion: body.strongestEmotion ?? '',
        avoiding: body.avoiding ?? '',
        habitsDone: body.habitsDone ?? [],
      });
    },
  );

  app.put(
    '/api/feels/:date/evening',
    {
      onRequest: app.requireUser,
      bodyLimit: BODY_LIMIT.small,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: "Write (or replace) the day's end-of-day reflection",
        params: DateParams,
        body: EveningBody,
        response: { 200: DaySchema, ...problems },
      },
    },
    async (request) => {
      const body = request.body;
      return feels.putEvening(currentUser(request).id, request.params.date, {
        gaveEnergy: body.gaveEnergy ?? '',
        drainedEnergy: body.drainedEnergy ?? '',
        pressureOrPurpose: body.pressureOrPurpose,
        honestNote: body.honestNote ?? '',
      });
    },
  );

  app.get(
    '/api/feels/:date',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        querystring: NoQuery,
        summary: "The day's check-ins; morning and evening are null until written",
        params: DateParams,
        response: { 200: DaySchema, 400: Problem, 401: Problem },
      },
    },
    async (request) => feels.getDay(currentUser(request).id, request.params.date),
  );

  app.get(
    '/api/feels',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        security,
        summary: 'Days with a check-in, newest first, optionally from/to a date',
        querystring: PagedRangeQuery,
        response: { 200: pageOf(DaySchema), 400: Problem, 401: Problem },
      },
    },
    async (request) => {
      const { from, to, limit = DEFAULT_LIMIT, cursor } = request.query;
      checkRange({ from, to });
      return feels.list(currentUser(request).id, { from, to, limit, cursor });
    },
  );
}
