import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('logger redaction', () => {
  it('replaces PII and secrets under the redacted keys, at the top level and one level down', () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'info', logPretty: false }, { write: (l: string) => lines.push(l) });
    logger.info(
      {
        phone: '+79991234567',
        password: 'hunter22',
        transcript: 'my card number is 4111',
        call: { phone: '+79990000000', token: 'abc', id: 'call-1' },
        req: { headers: { authorization: 'Bearer xyz' } },
      },
      'incoming call',
    );
    const text = lines.join('');
    for (const secret of ['+79991234567', 'hunter22', '4111', '+79990000000', 'abc', 'xyz'])
      expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toMatchObject({ msg: 'incoming call', call: { id: 'call-1', phone: '[redacted]' } });
  });
});

describe('logger redaction of credentials in URLs, headers, errors and messages', () => {
  function logged(write: (logger: ReturnType<typeof createLogger>) => void): string {
    const lines: string[] = [];
    write(createLogger({ logLevel: 'info', logPretty: false }, { write: (l: string) => lines.push(l) }));
    return lines.join('');
  }

  it('replaces credential query parameters and user information, keeping the other parameters', () => {
    const text = logged((logger) => {
      logger.info({ url: '/ws/voice?token=eyJhbGc.eyJzdWIi.sig1&sampleRate=16000' }, 'upgrade');
      logger.info({ req: { method: 'GET', url: '/x?api_key=k-123&Access_Token=t-456&page=2' } }, 'incoming request');
      logger.info('fetching https://bob:pa55w0rd@llm.example/v1?key=k-789');
    });
    for (const secret of ['eyJhbGc', 'k-123', 't-456', 'pa55w0rd', 'k-789']) expect(text).not.toContain(secret);
    expect(text).toContain('/ws/voice?token=[redacted]&sampleRate=16000');
    expect(text).toContain('page=2');
    expect(text).toContain('https://[redacted]@llm.example/v1?key=[redacted]');
  });

  it('replaces credential headers wherever headers are logged, and bearer subprotocols', () => {
    const text = logged((logger) => {
      logger.info(
        {
          headers: { authorization: 'Bearer h-1', cookie: 'sid=h-2', 'x-api-key': 'h-3', accept: 'text/html' },
          upstream: { headers: { authorization: 'Bearer h-4' } },
          req: { headers: { 'x-api-key': 'h-5' } },
        },
        'headers',
      );
      logger.info({ headers: { 'sec-websocket-protocol': 'secretary.voice.v1, bearer.h-6' } }, 'upgrade');
    });
    for (const secret of ['h-1', 'h-2', 'h-3', 'h-4', 'h-5', 'h-6']) expect(text).not.toContain(secret);
    expect(text).toContain('text/html');
    expect(text).toContain('secretary.voice.v1');
  });

  it('cleans error messages and stacks', () => {
    const text = logged((logger) => {
      logger.error({ err: new Error('GET /ws/voice?token=e-1 failed') }, 'request failed');
    });
    expect(text).not.toContain('e-1');
    expect(text).toContain('token=[redacted]');
  });
});
