/**
 * The one error handler: every failure leaves as `application/problem+json`.
 * Client errors say what was wrong (naming fields, never their values); a 5xx
 * says nothing but the request id that finds the full error in the log.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { AppError, type FieldError } from '../errors.ts';

export const PROBLEM_BASE = 'https://daybook.invalid/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: readonly FieldError[];
  requestId?: string;
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

function problemOf(code: string, status: number, title: string, detail: string): Problem {
  return { type: PROBLEM_BASE + code, title, status, detail };
}

/** Known Fastify errors (parsing, limits, media types) keep their 4xx with our own wording. */
const FASTIFY_CLIENT_ERRORS: Record<string, [string, string, string]> = {
  FST_CSRF_MISSING_SECRET: ['csrf', 'Forbidden', 'Missing or invalid CSRF token'],
  FST_CSRF_INVALID_TOKEN: ['csrf', 'Forbidden', 'Missing or invalid CSRF token'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'unsupported-media-type',
    'Unsupported media type',
    'Request bodies must be application/json',
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    'invalid-request',
    'Invalid request',
    'Content-Length does not match the body',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [
    'body-too-large',
    'Body too large',
    'The request body is larger than this route accepts',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: [
    'invalid-json',
    'Invalid JSON',
    'The body is empty but declared as JSON',
  ],
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid-json', 'Invalid JSON', 'The body is not valid JSON'],
  FST_ERR_CTP_INVALID_CONTENT_TYPE: [
    'invalid-request',
    'Invalid request',
    'The Content-Type header is malformed',
  ],
  FST_ERR_BAD_URL: ['invalid-request', 'Invalid request', 'The URL is not validly encoded'],
};

/**
 * Answers an error Fastify raises before routing (a URL it cannot decode),
 * where no hook and no error handler run: the caller adds the headers.
 */
export function sendFrameworkProblem(reply: FastifyReply, error: FastifyError): FastifyReply {
  const known = FASTIFY_CLIENT_ERRORS[error.code];
  if (known) return sendProblem(reply, problemOf(known[0], 400, known[1], known[2]));
  reply.log.error({ err: error }, 'request failed before routing');
  return sendProblem(reply, {
    ...problemOf('internal', 500, 'Internal error', 'Something went wrong on our side'),
    requestId: String(reply.request.id),
  });
}

function validationProblem(error: FastifyError): Problem {
  const where = error.validationContext ?? 'body';
  const errors = (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    let path = `/${where}${v.instancePath}`;
    if (typeof params.missingProperty === 'string') path += `/${params.missingProperty}`;
    if (typeof params.additionalProperty === 'string') {
      return { path: `${path}/${params.additionalProperty}`, message: 'is not an accepted field' };
    }
    return { path, message: v.message ?? 'is invalid' };
  });
  const first = errors[0];
  const detail = first ? `${first.path} ${first.message}` : 'The request is invalid';
  return { ...problemOf('validation', 400, 'Invalid request', detail), errors };
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      if (error.headers) reply.headers(error.headers);
      const problem = problemOf(error.code, error.status, error.title, error.detail);
      return sendProblem(reply, error.errors ? { ...problem, errors: error.errors } : problem);
    }
    if (error.validation) {
      return sendProblem(reply, validationProblem(error));
    }
    const known = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
    if (known) {
      return sendProblem(reply, problemOf(known[0], error.statusCode ?? 400, known[1], known[2]));
    }
    if (error.statusCode === 429) {
      return sendProblem(
        reply,
        problemOf('rate-limited', 429, 'Too many requests', 'Too many requests; try again later'),
      );
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.log.info({ err: error }, 'client error');
      return sendProblem(
        reply,
        problemOf(
          'invalid-request',
          status,
          'Invalid request',
          'The request could not be processed',
        ),
      );
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, {
      ...problemOf('internal', 500, 'Internal error', 'Something went wrong on our side'),
      requestId: String(request.id),
    });
  });

  app.setNotFoundHandler((request, reply) => {
    return sendProblem(reply, problemOf('not-found', 404, 'Not found', 'No such route'));
  });
}
