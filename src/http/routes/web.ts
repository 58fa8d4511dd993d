/**
 * The web client (web/, built by `npm run build:web` into `WEB_ROOT`,
 * dist/web by default), served by Daybook itself:
 *
 * - `/` is its index.html, `Cache-Control: no-cache`, so a new build is
 *   picked up at the next load;
 * - `/assets/*` are its content-hashed files, cached for a year as immutable.
 *
 * The client routes by the URL fragment (`/#/today`), so no other path needs
 * the page: everything else stays a 404 problem, `/api/*` included. The
 * security headers of every response (CSP and the rest) come from the root
 * `onRequest` hook as everywhere; only Cache-Control is replaced, and only
 * when a file is actually sent (a 404 keeps `no-store`).
 *
 * Registered with `app.register(import(...))`, so `reply.sendFile` stays
 * inside this plugin.
 */
import { stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export interface WebOptions {
  /** Absolute path of the built client: index.html and assets/. */
  readonly root: string;
}

const INDEX_CACHE = 'no-cache';
const ASSET_CACHE = 'public, max-age=31536000, immutable';

const NOT_BUILT = `Daybook is running, but its web client is not built yet.

Run \`npm run build:web\` (\`npm run setup\` does it too), then reload this page.
The API is at /api (see /api/openapi.json).
`;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export default async function webRoutes(app: FastifyInstance, options: WebOptions): Promise<void> {
  const root = resolve(options.root);
  const assets = join(root, 'assets');

  // Existence is checked per request, so a client built while the server
  // runs is served without a restart.
  await app.register(fastifyStatic, {
    root,
    serve: false,
    cacheControl: false,
    dotfiles: 'deny',
    index: false,
  });

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    if (!(await isFile(join(root, 'index.html')))) {
      return reply.code(404).type('text/plain; charset=utf-8').send(NOT_BUILT);
    }
    reply.header('cache-control', INDEX_CACHE);
    return reply.sendFile('index.html');
  });

  app.get('/assets/*', { schema: { hide: true } }, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const file = resolve(assets, name);
    if (!file.startsWith(assets + sep) || !(await isFile(file))) return reply.callNotFound();
    reply.header('cache-control', ASSET_CACHE);
    return reply.sendFile(relative(root, file));
  });
}
