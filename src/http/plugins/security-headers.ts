/**
 * Security headers on every response, errors and 404s included (DESIGN.md
 * section 6), plus `Cache-Control: no-store` so no journal content is kept by
 * a cache, and the optional CORS allow-list.
 *
 * The headers are one frozen table (the set @fastify/helmet would send with
 * these options), applied by one `onRequest` hook and by the framework-error
 * handler in app.ts: Fastify answers a URL it cannot decode before any hook
 * runs, and that answer must carry the same headers.
 */
import cors from '@fastify/cors';
import type { FastifyReply } from 'fastify';

import type { Config } from '../../config/config.ts';
import type { App } from '../types.ts';

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CONTENT_SECURITY_POLICY,
  // One year, subdomains included, eligible for the browsers' preload list.
  'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  // The legacy XSS auditor did more harm than good; "0" turns it off.
  'x-xss-protection': '0',
  // The default for every response, not scoped by URL prefix: a path spelled
  // `//api/...` or `/%61pi/...` reaches the same route. A route sending a
  // static file may replace it; nothing else does.
  'cache-control': 'no-store',
});

export function applySecurityHeaders(reply: FastifyReply): void {
  reply.headers(SECURITY_HEADERS);
}

export async function registerSecurityHeaders(app: App, config: Config): Promise<void> {
  app.addHook('onRequest', async (_request, reply) => {
    applySecurityHeaders(reply);
  });

  // Off by default. With an allow-list, credentials are allowed only for the
  // listed origins; `*` is refused by the configuration. Any other origin gets
  // no CORS header at all (a plain list would still send it
  // Access-Control-Allow-Credentials and the preflight headers).
  if (config.corsOrigins.length > 0) {
    const listed = new Set(config.corsOrigins);
    await app.register(cors, {
      origin: (origin, callback) =>
        callback(null, origin !== undefined && listed.has(origin) ? origin : false),
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['content-type', 'authorization', 'x-csrf-token'],
      maxAge: 600,
    });
  }
}
