/**
 * The Redis connection for shared limiter state. Commands fail at once while
 * the connection is down (no offline queue), so a limiter answers `503`
 * instead of hanging; ioredis keeps reconnecting in the background.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

import { Redis } from 'ioredis';

/**
 * Connects and waits briefly for the first connection, so the first requests
 * after start-up find Redis ready. Start-up does not need Redis: while it is
 * unreachable, sign-in answers 503 and everything else works.
 */
export async function connectRedis(url: string, onError: (err: Error) => void): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Without a listener an unreachable Redis would crash the process.
  redis.on('error', onError);
  // `once` rejects on an 'error' event; an unreachable Redis is not a start-up failure.
  await Promise.race([once(redis, 'ready').catch(() => undefined), sleep(3_000)]);
  return redis;
}
