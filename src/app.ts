/**
 * buildApp(deps): the Fastify instance, for the server and for tests. It
 * listens on nothing; `server.ts` does that.
 */
import { randomUUID } from 'node:crypto';

import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';

import type { AppDeps } from './context.ts';
import { validatorCompiler } from './http/validation.ts';
import { registerProblemHandlers, sendFrameworkProblem } from './http/problem.ts';
import { registerAuthenticate } from './http/plugins/authenticate.ts';
import { registerCookies } from './http/plugins/cookies.ts';
import { applySecurityHeaders, registerSecurityHeaders } from './http/plugins/security-headers.ts';
import { perUser, registerRateLimit } from './http/plugins/rate-limit.ts';
import { accountRoutes } from './http/routes/account.ts';
import { authRoutes } from './http/routes/auth.ts';
import { benchRoutes } from './http/routes/bench.ts';
import { healthRoutes } from './http/routes/health.ts';
import { journalRoutes } from './http/routes/journal/index.ts';
import { mfaRoutes } from './http/routes/mfa.ts';
import { createServices, type Services } from './services.ts';
import type { App } from './http/types.ts';

/** Fields that hold a credential, wherever a log object carries them (top level or one down). */
const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'accessToken',
  'refreshToken',
  'mfaToken',
  'recoveryCode',
];

/** Paths pino replaces with "[redacted]": credentials, tokens, codes and content never reach a log. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'body',
  'req.body',
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
];

/**
 * The logger options with redaction always on: options passed by a caller
 * (a test capturing logs, say) choose level and destination, never whether
 * secrets are redacted.
 */
function loggerOptions(
  given: FastifyServerOptions['logger'],
  level: string,
): FastifyServerOptions['logger'] {
  if (given === false) return false;
  const base = typeof given === 'object' ? given : { level };
  return { ...base, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The domain services behind the routes; tests look inside them. */
    readonly services: Services;
  }
}

export interface BuildOptions {
  /** Pino options, or false to silence logs (tests). */
  readonly logger?: FastifyServerOptions['logger'];
}

export async function buildApp(deps: AppDeps, options: BuildOptions = {}): Promise<App> {
  const { config } = deps;
  const serverOptions: FastifyServerOptions = {
    logger: loggerOptions(options.logger, config.logLevel),
    genReqId: () => randomUUID(),
    // A hop count is accepted by Fastify at run time though its types omit it.
    trustProxy: config.trustProxy as FastifyServerOptions['trustProxy'],
    bodyLimit: 16 * 1024,
    // Case and trailing-slash variants reach the same route, so they meet the same limits.
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
    },
    // A URL Fastify cannot decode is answered before any hook runs: give it
    // the same security headers and problem+json as every other response.
    frameworkErrors: (error, _request, reply) => {
      applySecurityHeaders(reply);
      sendFrameworkProblem(reply, error);
    },
    return503OnClosing: true,
    connectionTimeout: 30_000,
    requestTimeout: 60_000,
  };
  const app: App = Fastify(serverOptions).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler());

  // Only JSON bodies are parsed: a cross-site form (text/plain, urlencoded,
  // multipart) can never reach a route; it gets 415.
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // A request with no body sent with a JSON content type (many HTTP clients
    // set it on every call) is a request with no body; a route that needs a
    // body still refuses it by its schema.
    const text = body.toString();
    if (text === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });

  registerProblemHandlers(app);
  await registerSecurityHeaders(app, config);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Daybook API', version: '1' },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });

  const services: Services = createServices(deps);
  app.decorate('services', services);
  await registerRateLimit(app, deps.redis, config.rateLimitRedisPrefix);
  const transport = await registerCookies(app, config);
  registerAuthenticate(app, services, transport, perUser(app, config.rateLimits.api));

  healthRoutes(app, deps);
  authRoutes(app, services, config, transport);
  mfaRoutes(app, services, config, transport);
  accountRoutes(app, deps, services, transport);
  journalRoutes(app, services, deps);
  if (config.benchBareRoute) benchRoutes(app);
  await app.register(import('./http/routes/web.ts'), { root: config.webRoot });

  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());

  return app;
}
