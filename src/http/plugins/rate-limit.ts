/**
 * Rate limits through @fastify/rate-limit (DESIGN.md section 5). Nothing is
 * limited globally; routes opt in: auth routes by client IP, authenticated
 * routes per user. Routing is case-insensitive and ignores trailing slashes,
 * so every spelling of a path meets the same route and the same counter.
 * `request.ip` comes from the socket unless TRUST_PROXY names the proxies.
 */
import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Redis } from 'ioredis';

import type { RateLimitSettings } from '../../config/config.ts';
import { AppError } from '../../errors.ts';
import type { App } from '../types.ts';
import { redisStore } from './limiter-store.ts';

function tooMany(): AppError {
  return new AppError(
    429,
    'rate-limited',
    'Too many requests',
    'Too many requests; try again later',
  );
}

/** In-process counters by default; Redis (shared by every instance) when REDIS_URL is set. */
export async function registerRateLimit(
  app: App,
  redis: Redis | undefined,
  redisPrefix?: string,
): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    enableDraftSpec: true,
    errorResponseBuilder: () => tooMany(),
    ...(redis ? { store: redisStore(redis, redisPrefix) } : {}),
  });
}

/** Route config for a per-IP limit, e.g. `config: { rateLimit: perIp(config.rateLimits.login) }`. */
export function perIp(settings: RateLimitSettings): RateLimitOptions {
  return {
    max: settings.max,
    timeWindow: settings.windowMs,
    keyGenerator: (request: FastifyRequest) => request.ip,
  };
}

/** A hook limiting each signed-in user; runs after authentication sets `request.user`. */
export function perUser(app: App, settings: RateLimitSettings): onRequestHookHandler {
  return app.rateLimit({
    max: settings.max,
    timeWindow: settings.windowMs,
    keyGenerator: (request: FastifyRequest) => `user:${request.user?.id ?? request.ip}`,
    // The general API limit fails open: reading a journal must not depend on Redis.
    skipOnError: true,
  }) as onRequestHookHandler;
}
