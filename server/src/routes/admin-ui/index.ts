import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const ADMIN_PREFIX = '/admin';

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>AI Secretary</title>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The admin panel is not built</h1>
<p>Run <code>npm run build -w admin</code> (or start with <code>npm start</code>, which builds it), then reload.</p>
<p>The API is up: see <a href="/docs">/docs</a>.</p></body></html>`;

/** Hashed files under assets/ never change; everything else (index.html, sw.js, manifest) is revalidated. */
function setCacheHeaders(res: { setHeader(name: string, value: string): unknown }, filePath: string): void {
  const immutable = filePath.split(path.sep).includes('assets');
  res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/** Deep links (/admin/users/42) get index.html; a missing file with an extension stays a 404. */
function spaFallback(distDir: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = request.url.split('?')[0] ?? '';
    const isPageRequest = (request.method === 'GET' || request.method === 'HEAD') && path.extname(pathname) === '';
    if (!isPageRequest) return reply.code(404).type('text/plain').send('Not found');
    if (!fs.existsSync(path.join(distDir, 'index.html'))) {
      return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
}

/** Serves the built admin panel (admin/dist) at /admin/ and sends `/` there. */
export function adminUiRoutes(distDir: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    const toAdmin = async (_: FastifyRequest, reply: FastifyReply) => reply.redirect(`${ADMIN_PREFIX}/`);
    app.get('/', { schema: { hide: true } }, toAdmin);
    app.get(ADMIN_PREFIX, { schema: { hide: true } }, toAdmin);
    await app.register(
      async (scope) => {
        await scope.register(fastifyStatic, {
          root: distDir,
          prefix: '/',
          cacheControl: false,
          setHeaders: setCacheHeaders,
        });
        scope.setNotFoundHandler(spaFallback(distDir));
      },
      { prefix: ADMIN_PREFIX },
    );
  };
}
