import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

interface Built {
  mtimeMs: number;
  raw: Buffer;
  gzip: Buffer;
  etag: string;
}

/** Reads `widget.js` from the built admin folder once per change of the file (a rebuild is picked up). */
function builtScript(file: string) {
  let cached: Built | null = null;
  return (): Built | null => {
    if (!fs.existsSync(file)) return null;
    const { mtimeMs } = fs.statSync(file);
    if (cached?.mtimeMs === mtimeMs) return cached;
    const raw = fs.readFileSync(file);
    const etag = `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`;
    cached = { mtimeMs, raw, gzip: gzipSync(raw, { level: 9 }), etag };
    return cached;
  };
}

/**
 * `GET /widget.js`: the website widget a site owner embeds with one script tag (docs/widget.md). Revalidated
 * every five minutes with its ETag (304 when unchanged), gzip when the browser takes it, loadable from any page.
 */
export function widgetScriptRoutes(distDir: string): FastifyPluginAsyncTypebox {
  const current = builtScript(path.join(distDir, 'widget.js'));
  return async (app) => {
    app.get('/widget.js', { schema: { hide: true } }, async (request, reply) => {
      const built = current();
      if (built === null) return reply.code(503).type('text/plain').send('The widget is not built (npm run build)');
      void reply.headers({
        'cache-control': 'public, max-age=300, must-revalidate',
        etag: built.etag,
        vary: 'Accept-Encoding',
        'cross-origin-resource-policy': 'cross-origin',
        'x-content-type-options': 'nosniff',
      });
      if (request.headers['if-none-match'] === built.etag) return reply.code(304).send();
      void reply.type('text/javascript; charset=utf-8');
      const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
      return gzip ? reply.header('content-encoding', 'gzip').send(built.gzip) : reply.send(built.raw);
    });
  };
}
