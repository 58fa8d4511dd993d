/**
 * Security headers on every response, errors and 404s included (DESIGN.md
 * section 6), through @fastify/helmet, plus `Cache-Control: no-store` on
 * every API response so no journal content is kept by a cache.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';

import type { Config } from '../../config/config.ts';
import type { App } from '../types.ts';

export async function registerSecurityHeaders(app: App, config: Config): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true, preload: true },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    frameguard: { action: 'deny' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    xPoweredBy: true,
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.toLowerCase().startsWith('/api')) reply.header('cache-control', 'no-store');
  });

  // Off by default. With an allow-list, credentials are allowed only for the
  // listed origins; `*` is refused by the configuration.
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...config.corsOrigins],
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['content-type', 'authorization', 'x-csrf-token'],
      maxAge: 600,
    });
  }
}
