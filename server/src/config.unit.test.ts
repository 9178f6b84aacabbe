import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has embedded defaults: 127.0.0.1:8002, ./data, SQLite', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8002, dataDir: path.resolve('/srv/app/data') });
    expect(config.databaseUrl).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('has first-token deadlines for /v1 (10 s) and voice calls (2 s), both configurable', () => {
    expect(loadConfig({}, '/srv/app')).toMatchObject({
      llm: { firstTokenTimeoutMs: 10_000 },
      voiceLlmFirstTokenMs: 2000,
    });
    const env = { LLM_FIRST_TOKEN_TIMEOUT_MS: '4000', VOICE_LLM_FIRST_TOKEN_MS: '1500' };
    expect(loadConfig(env, '/srv/app')).toMatchObject({
      llm: { firstTokenTimeoutMs: 4000 },
      voiceLlmFirstTokenMs: 1500,
    });
  });

  it('has a voice-session watchdog (10 s; 0 turns it off)', () => {
    expect(loadConfig({}, '/srv/app').voiceWatchdogS).toBe(10);
    expect(loadConfig({ VOICE_WATCHDOG_S: '0' }, '/srv/app').voiceWatchdogS).toBe(0);
    expect(() => loadConfig({ VOICE_WATCHDOG_S: '-1' })).toThrow(/VOICE_WATCHDOG_S/);
  });

  it('names the bad variable in its error', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be an integer between 0 and 65535, got "eighty"/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must start with postgres:\/\//);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of/);
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY must be true or false/);
    expect(() => loadConfig({ ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD must be at least 8/);
  });

  it('treats sqlite: URLs and blanks as SQLite, and accepts postgres URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:' }).databaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: '  ' }).databaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }).databaseUrl).toBe('postgresql://u@h/db');
  });
});
