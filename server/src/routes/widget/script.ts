import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';

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

const SCRIPT_HEADERS = {
  'cache-control': 'public, max-age=300, must-revalidate',
  vary: 'Accept-Encoding',
  'cross-origin-resource-policy': 'cross-origin',
  'x-content-type-options': 'nosniff',
};

function scriptHandler(current: () => Built | null, extraHeaders: Record<string, string>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const built = current();
    if (built === null) return reply.code(503).type('text/plain').send('The widget is not built (npm run build)');
    void reply.headers({ ...SCRIPT_HEADERS, ...extraHeaders, etag: built.etag });
    if (request.headers['if-none-match'] === built.etag) return reply.code(304).send();
    void reply.type('text/javascript; charset=utf-8');
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    return gzip ? reply.header('content-encoding', 'gzip').send(built.gzip) : reply.send(built.raw);
  };
}

/**
 * `GET /widget.js`: the website widget a site owner embeds with one script tag (docs/widget.md), and
 * `GET /widget-voice.js`: its voice chunk, an ES module the widget imports only when the voice button is pressed
 * (a cross-origin module script needs CORS; it is public code fetched without credentials, so `*`). Both are
 * revalidated every five minutes with their ETag (304 when unchanged), gzip when the browser takes it.
 */
export function widgetScriptRoutes(distDir: string): FastifyPluginAsyncTypebox {
  const widget = builtScript(path.join(distDir, 'widget.js'));
  const voice = builtScript(path.join(distDir, 'widget-voice.js'));
  return async (app) => {
    app.get('/widget.js', { schema: { hide: true } }, scriptHandler(widget, {}));
    app.get(
      '/widget-voice.js',
      { schema: { hide: true } },
      scriptHandler(voice, { 'access-control-allow-origin': '*' }),
    );
  };
}
