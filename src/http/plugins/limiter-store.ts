/**
 * Shared limiter state in Redis, so limits hold across instances. The store
 * is @fastify/rate-limit's own Redis store; this wrapper only turns a Redis
 * failure into a `503` problem, so routes that must not run unlimited (sign-up,
 * login, MFA) fail closed while Redis is away. ioredis reconnects by itself.
 */
import type { FastifyRateLimitOptions } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
// The plugin's Redis store is not re-exported from its entry point.
// @ts-expect-error -- plain CommonJS module without type declarations
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';

import { AppError } from '../../errors.ts';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

interface Store {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): Store;
}

function unavailable(): AppError {
  return new AppError(
    503,
    'limiter-unavailable',
    'Service unavailable',
    'Sign-in is briefly unavailable; try again shortly',
    undefined,
    { 'retry-after': '5' },
  );
}

class FailClosedStore implements Store {
  constructor(private readonly inner: Store) {}

  incr(key: string, cb: Callback, timeWindow: number, max: number): void {
    this.inner.incr(
      key,
      (err, result) => (err ? cb(unavailable()) : cb(null, result)),
      timeWindow,
      max,
    );
  }

  child(routeOptions: unknown): Store {
    return new FailClosedStore(this.inner.child(routeOptions));
  }
}

/**
 * A store constructor for the plugin's `store` option, bound to one Redis
 * connection; every key starts with `prefix` (RATE_LIMIT_REDIS_PREFIX).
 */
export function redisStore(redis: Redis, prefix = 'daybook:rl:') {
  return class {
    private readonly store: Store;

    // Daybook sets neither continueExceeding nor exponentialBackoff.
    constructor(_params: FastifyRateLimitOptions) {
      const inner = new RedisStore(false, false, redis, prefix) as Store;
      this.store = new FailClosedStore(inner);
    }

    incr(key: string, cb: Callback, timeWindow: number, max: number): void {
      this.store.incr(key, cb, timeWindow, max);
    }

    child(routeOptions: unknown): Store {
      return this.store.child(routeOptions);
    }
  };
}
