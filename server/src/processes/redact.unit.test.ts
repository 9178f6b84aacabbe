import { describe, expect, it } from 'vitest';
import { redactLine } from './redact.js';

describe('redactLine', () => {
  it.each([
    ['Authorization: Bearer chc_abcdefghijklmnop', 'Authorization: Bearer [redacted]'],
    ['{"level":30,"token":"s3cr3t-value","msg":"x"}', '{"level":30,"token":"[redacted]","msg":"x"}'],
    ['apiKey=abc123&x=1', 'apiKey=[redacted]&x=1'],
    ['authorization: Basic dXNlcjpwYXNzd29yZA==', 'authorization: Basic [redacted]'],
    ['key sk-sec-0a1b2c3d_AbCdEfGhIjKlMnOp', 'key [redacted]'],
    ['bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw up', 'bot [redacted] up'],
    [
      'GET https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe failed',
      'GET https://api.telegram.org/bot[redacted]/getMe failed',
    ],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlX19f', 'jwt [redacted]'],
    ['db postgres://app:hunter2@db:5432/x', 'db postgres://[redacted]@db:5432/x'],
    ['GET /ws/voice?access_token=abc&lang=en', 'GET /ws/voice?access_token=[redacted]&lang=en'],
    ['call from +1 (555) 010-0123 ended', 'call from [redacted] ended'],
    ['{"caller":"5550100","callbackNumber":"555 0101"}', '{"caller":"[redacted]","callbackNumber":"[redacted]"}'],
  ])('%s', (line, expected) => {
    expect(redactLine(line)).toBe(expected);
  });

  it('leaves ordinary log lines alone (timestamps, ids, pids, state names)', () => {
    const line =
      '{"level":30,"time":1764000000000,"pid":4242,"childId":"local-3f0c2a8e-1b2c-4d5e-8f90-123456789abc","from":"ready","to":"backoff","msg":"Basic check"}';
    expect(redactLine(line)).toBe(line);
  });
});
