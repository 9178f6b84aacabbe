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
