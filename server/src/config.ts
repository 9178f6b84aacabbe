import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBusinessHours } from './core/settings/business-hours.js';
import type { KnowledgeMode } from './core/knowledge/knowledge-turn.js';
import { ConfigError } from './errors.js';
import { parseOpenAiVoiceMap, type OpenAiVoiceOptions } from './speech/openai-voices.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** undefined means SQLite at `${dataDir}/secretary.db`. */
  readonly databaseUrl: string | undefined;
  readonly databaseSchema: string | undefined;
  readonly logLevel: LogLevel;
  readonly logPretty: boolean;
  readonly adminPassword: string | undefined;
  readonly jwtSecret: string | undefined;
  readonly encryptionKey: string | undefined;
  readonly accessTokenTtlS: number;
  /** Scheduled backups into DATA_DIR/backups: every `intervalH` hours (0 = off), keeping the newest `keep`. */
  readonly backup: { readonly intervalH: number; readonly keep: number };
  readonly refreshTokenTtlS: number;
  /** How long a verified /v1 API key is trusted without a database read (revocations by another process). */
  readonly apiKeyCacheMs: number;
  /** Wrong passwords for one username from one address before that address has to wait (1 s, doubling). */
  readonly loginMaxFailuresPerUser: number;
  /** Wrong passwords from one address, all usernames together, before it has to wait. */
  readonly loginMaxFailuresPerIp: number;
  /** Failures are forgotten after this long without another one (after the wait). */
  readonly loginWindowS: number;
  /** The longest wait a failed-login count imposes. */
  readonly loginMaxDelayS: number;
  readonly bodyLimitBytes: number;
  readonly trustProxy: boolean;
  readonly serveDocs: boolean;
  /** LLM router (docs/llm.md). The LLM_BASE_URL/API_KEY/MODEL trio only seeds the first provider. */
  readonly llm: {
    readonly baseUrl: string;
    readonly apiKey: string | undefined;
    readonly model: string;
    readonly timeoutMs: number;
    /** `/v1` chat: how long each provider attempt may wait for its first token before failing over. */
    readonly firstTokenTimeoutMs: number;
    readonly maxConcurrency: number;
    readonly breakerFailures: number;
    readonly breakerCooldownMs: number;
    readonly memoryTokenBudget: number;
    readonly faqThreshold: number;
    readonly probeIntervalMs: number;
    readonly probeTimeoutMs: number;
  };
  // admin panel (issue 7)
  /** Built admin panel (vite output) served at /admin/. */
  readonly adminDistDir: string;
  /** Speech workers (issue 4); see docs/speech.md. */
  readonly speech: SpeechConfig;
  /** Supervised child processes of every kind (issue 11). */
  readonly processes: ProcessesConfig;
  // GSM modem (issue 6)
  readonly gsm: GsmConfig;
  /** Telegram bots (issue 12); see docs/telegram.md. */
  readonly telegram: TelegramConfig;
  /** Discord bots (issue 14); see docs/discord.md. */
  readonly discord: DiscordConfig;
  /** The knowledge base (issue 17); see docs/knowledge.md. */
  readonly knowledge: KnowledgeConfig;
  /** The website widget's chat API (issue 16); see docs/widget.md. */
  readonly widget: WidgetConfig;
  // Voice engine and message webhooks (docs/voice.md)
  readonly voiceLanguage: string;
  readonly voiceTrailingSilenceMs: number;
  readonly voiceMaxUtteranceS: number;
  readonly voiceBargeInMinMs: number;
  readonly voiceSilencePromptS: number;
  readonly voiceMaxCallS: number;
  readonly voiceSpeechRecoveryS: number;
  /** 0 = off. */
  readonly voiceWatchdogS: number;
  /** Voice calls: how long each LLM provider attempt may wait for its first token. */
  readonly voiceLlmFirstTokenMs: number;
  readonly webhookTimeoutMs: number;
  readonly webhookAttempts: number;
  /** Owner notifications (docs/notifications.md). */
  readonly notify: NotifyConfig;
  /** The durable due-jobs scheduler (core/jobs): follow-ups, broadcasts, anything scheduled. */
  readonly jobs: JobsConfig;
  /**
   * Private, loopback or link-local destinations server-side requests may reach (OUTBOUND_ALLOW: addresses,
   * CIDR ranges or host names, each optionally `:port`); LLM_BASE_URL's own host:port is always among them.
   */
  readonly outboundAllow: readonly string[];
  /**
   * HTTP tools (docs/http-tools.md): private destinations every tool may reach (`HTTP_TOOLS_ALLOW`, same syntax as
   * OUTBOUND_ALLOW, which does not apply to tools: the model picks a tool's arguments); a tool's own flag adds its host.
   */
  readonly httpToolsAllow: readonly string[];
}

export interface SpeechConfig {
  /** Spawn one local CPU worker when the server starts listening. */
  readonly localWorker: boolean;
  /** Shared secret remote workers present; undefined = generated into DATA_DIR/secrets/worker.token. */
  readonly workerToken: string | undefined;
  readonly workerCapacity: number;
  readonly workerMemoryLimitMb: number;
  readonly heartbeatIntervalMs: number;
  readonly workerReadyTimeoutMs: number;
  readonly restartBackoffMaxMs: number;
  readonly queueTimeoutMs: number;
  /**
   * How long a job may go without a message from its worker once it owes one (TTS from its start, STT and VAD
   * from the end of their input, each result starting the wait over) before it fails and is cancelled.
   */
  readonly jobIdleTimeoutMs: number;
  readonly maxUploadBytes: number;
  /** Longest decoded audio an upload may hold (/v1 transcriptions, the admin STT test). */
  readonly maxUploadSeconds: number;
  readonly maxTtsChars: number;
  /** How /v1/audio/speech maps OpenAI voice names (`alloy`, `nova`, …) to installed voices. */
  readonly openAiVoices: OpenAiVoiceOptions;
  readonly modelsDir: string;
  /** undefined = the repository's models/manifest.json. */
  readonly modelsManifest: string | undefined;
  /** Engine lists handed to the local worker (SPEECH_STT, SPEECH_TTS, SPEECH_VAD, SPEECH_DEVICE). */
  readonly stt: string | undefined;
  readonly tts: string | undefined;
  readonly vad: 'silero' | 'none';
  readonly device: 'cpu' | 'cuda';
  readonly remoteUrl: string | undefined;
  readonly remoteApiKey: string | undefined;
}

export interface ProcessesConfig {
  /** A child that crashes this many times within `crashLoopWindowMs` is given up on (status `failed`). */
  readonly crashLoopCrashes: number;
  readonly crashLoopWindowMs: number;
  /** After SIGTERM, how long a stopping child has before SIGKILL. */
  readonly stopGraceMs: number;
  /** Lines of each child's stdout/stderr kept for `GET /api/processes/:id/logs`. */
  readonly logLines: number;
  /** Heartbeat period told to children without their own (bots); 5 missed = killed. */
  readonly heartbeatIntervalMs: number;
}

export interface NotifyConfig {
  /** Attempts per delivery before it is marked failed. */
  readonly maxAttempts: number;
  /** First retry delay; doubles per attempt (capped at an hour). */
  readonly retryBaseMs: number;
  /** How often the delivery loop looks for due rows. */
  readonly pollMs: number;
  /** Per-send timeout (SMTP, HTTP, Bot API); a claim's lease is three of these. */
  readonly timeoutMs: number;
}

export interface JobsConfig {
  /** How often the scheduler looks for due jobs (a job enqueued due now is started at once). */
  readonly pollMs: number;
  /** A claim's lease: a process that died holding a job loses it this long after its last renewal. */
  readonly leaseMs: number;
  /** First retry of a failed job after this; doubles each attempt, capped at an hour. */
  readonly retryBaseMs: number;
  /** Jobs one process runs at once. */
  readonly concurrency: number;
}

export interface TelegramConfig {
  /** Off: no bot runs and `/api/telegram` is absent. */
  readonly enabled: boolean;
  /** The Bot API server for every bot (`TELEGRAM_API_ROOT`), without a trailing slash. */
  readonly apiRoot: string;
  /** Public base URL Telegram posts updates to (webhook mode); undefined: long polling. */
  readonly webhookBaseUrl: string | undefined;
  /** Longest voice note transcribed (longer ones get a polite refusal). */
  readonly maxVoiceSeconds: number;
  /** Each bot process is killed (and restarted) past this RSS. */
  readonly botMemoryLimitMb: number;
  /** How long each LLM provider attempt may wait for its first token. */
  readonly firstTokenTimeoutMs: number;
  /** Longest a whole answer may take (LLM, speech). */
  readonly replyTimeoutMs: number;
  /** Follow-ups and broadcasts sent per second per bot (Telegram allows about 30 in bulk). */
  readonly bulkPerSecond: number;
  /** How often subscribers are looked over for due follow-ups. */
  readonly followupScanMs: number;
}

export interface WidgetConfig {
  perTokenPerMinute: number;
  perIpPerMinute: number;
  maxMessageChars: number;
  firstTokenTimeoutMs: number;
}

export interface DiscordConfig {
  /** Off: no bot runs and `/api/discord` is absent. */
  readonly enabled: boolean;
  /** REST root for every bot (`DISCORD_API_ROOT`, without the version), without a trailing slash. */
  readonly apiRoot: string;
  /** Each bot process is killed (and restarted) past this RSS. */
  readonly botMemoryLimitMb: number;
  /** How long each LLM provider attempt may wait for its first token. */
  readonly firstTokenTimeoutMs: number;
  /** Longest a whole answer may take. */
  readonly replyTimeoutMs: number;
  /** Voice channels: DAVE end-to-end encryption (`DISCORD_VOICE_DAVE`); Discord refuses voice without it (4017). */
  readonly voiceDave: boolean;
  /** Consecutive DAVE decryption failures a voice connection tolerates before it asks for a new key. */
  readonly voiceDecryptionFailureTolerance: number;
}

export interface GsmConfig {
  /** Off: no modem at all. On without GSM_AT_PORT: the built-in simulated modem. */
  readonly enabled: boolean;
  readonly atPort: string | undefined;
  readonly audioPort: string | undefined;
  readonly baudRate: number;
  readonly pcmRateHz: 8000 | 16000;
  /** Use the simulated modem when the configured port cannot be opened at start. */
  readonly mockFallback: boolean;
  readonly answerAfterRings: number;
  readonly allowList: readonly string[];
  readonly blockList: readonly string[];
  readonly businessHours: string;
  readonly timeZone: string;
  readonly commandTimeoutMs: number;
  readonly healthIntervalS: number;
  readonly reconnectDelayMs: number;
  readonly greetingWav: string | undefined;
  readonly maxCallS: number;
  readonly smsAutoReply: SmsAutoReplyConfig;
}

/** LLM replies to received SMS (off by default) and their limits. */
export interface SmsAutoReplyConfig {
  readonly enabled: boolean;
  /** Persona slug or model route; empty: the default persona for VOICE_LANGUAGE. */
  readonly route: string | undefined;
  readonly maxPerSenderPerHour: number;
  /** Replies in any rolling 24 hours, all senders together. */
  readonly maxPerDay: number;
  /** Longer replies are cut (at a word) to fit in this many SMS parts. */
  readonly maxParts: number;
  /** Never replied to (in addition to GSM_BLOCK_LIST). */
  readonly blockList: readonly string[];
}

type Env = Record<string, string | undefined>;

const DEFAULT_ADMIN_DIST_DIR = fileURLToPath(new URL('../../admin/dist', import.meta.url));

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function str(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

const KNOWLEDGE_MODES: readonly KnowledgeMode[] = ['tool', 'context', 'off'];

export interface KnowledgeConfig {
  /** Largest document upload (`KNOWLEDGE_MAX_UPLOAD_BYTES`, default 20 MiB). */
  readonly maxUploadBytes: number;
  /** `tool`: persona routes offer `search_knowledge`; `context`: the top passages go into the prompt; `off`. */
  readonly mode: KnowledgeMode;
  /** Per persona slug (`KNOWLEDGE_MODE_BY_PERSONA=secretary:tool,support:context`); others use `mode`. */
  readonly modeByPersona: Readonly<Record<string, KnowledgeMode>>;
  /** Overrides the engine's own threshold (`KNOWLEDGE_MIN_SCORE`, on that engine's scale). */
  readonly minScore: number | undefined;
  /** Approximate tokens of passages one search hands the model (4 characters a token). */
  readonly toolTokenBudget: number;
}

function knowledgeModes(env: Env): Readonly<Record<string, KnowledgeMode>> {
  const modes: Record<string, KnowledgeMode> = {};
  for (const entry of list(env, 'KNOWLEDGE_MODE_BY_PERSONA')) {
    const [slug, mode] = entry.split(':').map((part) => part.trim());
    if (!slug || !KNOWLEDGE_MODES.includes(mode as KnowledgeMode))
      throw new ConfigError(`KNOWLEDGE_MODE_BY_PERSONA entries are slug:${KNOWLEDGE_MODES.join('|')}, got "${entry}"`);
    modes[slug] = mode as KnowledgeMode;
  }
  return Object.freeze(modes);
}

function knowledgeMinScore(env: Env): number | undefined {
  const raw = str(env, 'KNOWLEDGE_MIN_SCORE');
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new ConfigError(`KNOWLEDGE_MIN_SCORE must be a number >= 0, got "${raw}"`);
  return value;
}

function databaseUrl(env: Env): string | undefined {
  const raw = str(env, 'DATABASE_URL');
  if (raw === undefined || raw.startsWith('sqlite:')) return undefined;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError(
      `DATABASE_URL must start with postgres:// (or be empty for SQLite), got "${raw.split(':')[0]}:…"`,
    );
  }
  return raw;
}

/** Parses and validates the environment once; the result is frozen and passed down. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const adminPassword = str(env, 'ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD must be at least 8 characters');
  }
  return Object.freeze({
    nodeEnv,
    host: str(env, 'HOST') ?? '127.0.0.1',
    port: int(env, 'PORT', 8002, 0, 65535),
    dataDir: path.resolve(cwd, str(env, 'DATA_DIR') ?? './data'),
    databaseUrl: databaseUrl(env),
    databaseSchema: str(env, 'DATABASE_SCHEMA'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    logPretty: bool(env, 'LOG_PRETTY', process.stdout.isTTY === true),
    adminPassword,
    jwtSecret: str(env, 'JWT_SECRET'),
    encryptionKey: str(env, 'ENCRYPTION_KEY'),
    accessTokenTtlS: int(env, 'ACCESS_TOKEN_TTL_S', 900, 30, 86_400),
    backup: Object.freeze({
      intervalH: int(env, 'BACKUP_INTERVAL_H', 0, 0, 8760),
      keep: int(env, 'BACKUP_KEEP', 7, 1, 1000),
    }),
    refreshTokenTtlS: int(env, 'REFRESH_TOKEN_TTL_S', 30 * 86_400, 300, 365 * 86_400),
    apiKeyCacheMs: int(env, 'API_KEY_CACHE_MS', 1000, 0, 60_000),
    loginMaxFailuresPerUser: int(env, 'LOGIN_MAX_FAILURES_PER_USER', 5, 1, 1000),
    loginMaxFailuresPerIp: int(env, 'LOGIN_MAX_FAILURES_PER_IP', 20, 1, 10_000),
    loginWindowS: int(env, 'LOGIN_WINDOW_S', 900, 1, 86_400),
    loginMaxDelayS: int(env, 'LOGIN_MAX_DELAY_S', 900, 1, 86_400),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 512 * 1_048_576),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    serveDocs: bool(env, 'SERVE_DOCS', true),
    llm: Object.freeze({
      baseUrl: str(env, 'LLM_BASE_URL') ?? 'http://127.0.0.1:8000/v1',
      apiKey: str(env, 'LLM_API_KEY'),
      model: str(env, 'LLM_MODEL') ?? 'default',
      timeoutMs: int(env, 'LLM_TIMEOUT_MS', 30_000, 100, 600_000),
      firstTokenTimeoutMs: int(env, 'LLM_FIRST_TOKEN_TIMEOUT_MS', 10_000, 100, 600_000),
      maxConcurrency: int(env, 'LLM_MAX_CONCURRENCY', 16, 1, 10_000),
      breakerFailures: int(env, 'LLM_BREAKER_FAILURES', 3, 1, 1000),
      breakerCooldownMs: int(env, 'LLM_BREAKER_COOLDOWN_MS', 30_000, 100, 3_600_000),
      memoryTokenBudget: int(env, 'LLM_MEMORY_TOKEN_BUDGET', 3000, 100, 1_000_000),
      faqThreshold: int(env, 'LLM_FAQ_THRESHOLD_PERCENT', 80, 1, 100) / 100,
      probeIntervalMs: int(env, 'LLM_PROBE_INTERVAL_S', 30, 1, 86_400) * 1000,
      probeTimeoutMs: int(env, 'LLM_PROBE_TIMEOUT_MS', 5000, 100, 120_000),
    }),
    // admin panel (issue 7)
    adminDistDir: path.resolve(cwd, str(env, 'ADMIN_DIST_DIR') ?? DEFAULT_ADMIN_DIST_DIR),
    speech: loadSpeechConfig(env, cwd),
    processes: Object.freeze({
      crashLoopCrashes: int(env, 'PROCESS_CRASH_LOOP_CRASHES', 5, 1, 1000),
      crashLoopWindowMs: int(env, 'PROCESS_CRASH_LOOP_WINDOW_S', 300, 1, 86_400) * 1000,
      stopGraceMs: int(env, 'PROCESS_STOP_GRACE_MS', 3000, 100, 600_000),
      logLines: int(env, 'PROCESS_LOG_LINES', 500, 10, 100_000),
      heartbeatIntervalMs: int(env, 'PROCESS_HEARTBEAT_INTERVAL_MS', 2000, 100, 60_000),
    }),
    gsm: loadGsmConfig(env, nodeEnv, cwd),
    telegram: loadTelegramConfig(env),
    discord: loadDiscordConfig(env),
    knowledge: {
      maxUploadBytes: int(env, 'KNOWLEDGE_MAX_UPLOAD_BYTES', 20 * 1_048_576, 1, 1024 * 1_048_576),
      mode: oneOf(env, 'KNOWLEDGE_MODE', KNOWLEDGE_MODES, 'tool'),
      modeByPersona: knowledgeModes(env),
      minScore: knowledgeMinScore(env),
      toolTokenBudget: int(env, 'KNOWLEDGE_TOKEN_BUDGET', 600, 50, 20_000),
    },
    widget: Object.freeze({
      perTokenPerMinute: int(env, 'WIDGET_RATE_PER_TOKEN_PER_MIN', 120, 1, 100_000),
      perIpPerMinute: int(env, 'WIDGET_RATE_PER_IP_PER_MIN', 20, 1, 100_000),
      maxMessageChars: int(env, 'WIDGET_MAX_MESSAGE_CHARS', 2000, 10, 100_000),
      firstTokenTimeoutMs: int(env, 'WIDGET_LLM_FIRST_TOKEN_MS', 10_000, 100, 600_000),
    }),
    // Voice engine and message webhooks (docs/voice.md)
    voiceLanguage: str(env, 'VOICE_LANGUAGE') ?? 'en',
    voiceTrailingSilenceMs: int(env, 'VOICE_TRAILING_SILENCE_MS', 400, 100, 5000),
    voiceMaxUtteranceS: int(env, 'VOICE_MAX_UTTERANCE_S', 20, 2, 300),
    voiceBargeInMinMs: int(env, 'VOICE_BARGE_IN_MIN_MS', 300, 0, 5000),
    voiceSilencePromptS: int(env, 'VOICE_SILENCE_PROMPT_S', 8, 1, 600),
    voiceMaxCallS: int(env, 'VOICE_MAX_CALL_S', 900, 10, 86_400),
    voiceSpeechRecoveryS: int(env, 'VOICE_SPEECH_RECOVERY_S', 15, 1, 600),
    voiceWatchdogS: int(env, 'VOICE_WATCHDOG_S', 10, 0, 600),
    voiceLlmFirstTokenMs: int(env, 'VOICE_LLM_FIRST_TOKEN_MS', 2000, 100, 60_000),
    webhookTimeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000),
    webhookAttempts: int(env, 'WEBHOOK_ATTEMPTS', 3, 1, 10),
    notify: Object.freeze({
      maxAttempts: int(env, 'NOTIFY_MAX_ATTEMPTS', 8, 1, 50),
      retryBaseMs: int(env, 'NOTIFY_RETRY_BASE_MS', 30_000, 10, 3_600_000),
      pollMs: int(env, 'NOTIFY_POLL_MS', 5000, 10, 600_000),
      timeoutMs: int(env, 'NOTIFY_TIMEOUT_MS', 10_000, 100, 120_000),
    }),
    jobs: Object.freeze({
      pollMs: int(env, 'JOBS_POLL_MS', 1000, 10, 600_000),
      leaseMs: int(env, 'JOBS_LEASE_MS', 60_000, 300, 3_600_000),
      retryBaseMs: int(env, 'JOBS_RETRY_BASE_MS', 30_000, 10, 3_600_000),
      concurrency: int(env, 'JOBS_CONCURRENCY', 8, 1, 64),
    }),
    outboundAllow: Object.freeze(outboundAllow(env)),
    httpToolsAllow: Object.freeze(list(env, 'HTTP_TOOLS_ALLOW')),
  });
}

/** OUTBOUND_ALLOW, plus the operator's own LLM_BASE_URL (the local vLLM is usually on loopback). */
function outboundAllow(env: Env): string[] {
  const entries = list(env, 'OUTBOUND_ALLOW');
  const llm = str(env, 'LLM_BASE_URL') ?? 'http://127.0.0.1:8000/v1';
  try {
    const url = new URL(llm);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    entries.push(`${url.hostname}:${port}`);
  } catch {
    // an invalid LLM_BASE_URL fails where the provider is created
  }
  return entries;
}

/** An absolute http(s) URL without a trailing slash (grammY refuses an API root that ends in `/`). */
function baseUrl(env: Env, name: string, fallback?: string): string | undefined {
  const value = str(env, name) ?? fallback;
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be http(s)`);
  return value.replace(/\/+$/, '');
}

function loadTelegramConfig(env: Env): TelegramConfig {
  return Object.freeze({
    enabled: bool(env, 'TELEGRAM_ENABLED', true),
    apiRoot: baseUrl(env, 'TELEGRAM_API_ROOT', 'https://api.telegram.org')!,
    webhookBaseUrl: baseUrl(env, 'TELEGRAM_WEBHOOK_BASE_URL'),
    maxVoiceSeconds: int(env, 'TELEGRAM_MAX_VOICE_S', 300, 1, 3600),
    botMemoryLimitMb: int(env, 'TELEGRAM_BOT_MEMORY_LIMIT_MB', 256, 32, 65_536),
    firstTokenTimeoutMs: int(env, 'TELEGRAM_LLM_FIRST_TOKEN_MS', 10_000, 100, 600_000),
    replyTimeoutMs: int(env, 'TELEGRAM_REPLY_TIMEOUT_S', 120, 5, 3600) * 1000,
    bulkPerSecond: int(env, 'TELEGRAM_BULK_PER_SECOND', 25, 1, 30),
    followupScanMs: int(env, 'TELEGRAM_FOLLOWUP_SCAN_MS', 60_000, 100, 3_600_000),
  });
}

function loadDiscordConfig(env: Env): DiscordConfig {
  return Object.freeze({
    enabled: bool(env, 'DISCORD_ENABLED', true),
    apiRoot: baseUrl(env, 'DISCORD_API_ROOT', 'https://discord.com/api')!,
    botMemoryLimitMb: int(env, 'DISCORD_BOT_MEMORY_LIMIT_MB', 256, 32, 65_536),
    firstTokenTimeoutMs: int(env, 'DISCORD_LLM_FIRST_TOKEN_MS', 10_000, 100, 600_000),
    replyTimeoutMs: int(env, 'DISCORD_REPLY_TIMEOUT_S', 120, 5, 3600) * 1000,
    voiceDave: bool(env, 'DISCORD_VOICE_DAVE', true),
    voiceDecryptionFailureTolerance: int(env, 'DISCORD_VOICE_DECRYPTION_TOLERANCE', 24, 1, 1000),
  });
}

function loadSpeechConfig(env: Env, cwd: string): SpeechConfig {
  const token = str(env, 'SPEECH_WORKER_TOKEN');
  if (token !== undefined && token.length < 24)
    throw new ConfigError('SPEECH_WORKER_TOKEN must be at least 24 characters');
  return Object.freeze({
    localWorker: bool(env, 'SPEECH_LOCAL_WORKER', true),
    workerToken: token,
    workerCapacity: int(env, 'SPEECH_WORKER_CAPACITY', 4, 1, 64),
    workerMemoryLimitMb: int(env, 'SPEECH_WORKER_MEMORY_LIMIT_MB', 1536, 64, 262_144),
    heartbeatIntervalMs: int(env, 'SPEECH_HEARTBEAT_INTERVAL_MS', 2000, 100, 60_000),
    workerReadyTimeoutMs: int(env, 'SPEECH_WORKER_READY_TIMEOUT_MS', 60_000, 1000, 600_000),
    restartBackoffMaxMs: int(env, 'SPEECH_RESTART_BACKOFF_MAX_MS', 30_000, 100, 3_600_000),
    queueTimeoutMs: int(env, 'SPEECH_QUEUE_TIMEOUT_MS', 30_000, 100, 600_000),
    jobIdleTimeoutMs: int(env, 'SPEECH_JOB_IDLE_TIMEOUT_MS', 30_000, 100, 3_600_000),
    maxUploadBytes: int(env, 'SPEECH_MAX_UPLOAD_BYTES', 25 * 1_048_576, 1024, 1024 * 1_048_576),
    maxUploadSeconds: int(env, 'SPEECH_MAX_UPLOAD_S', 1800, 1, 86_400),
    maxTtsChars: int(env, 'SPEECH_MAX_TTS_CHARS', 4096, 1, 100_000),
    openAiVoices: Object.freeze({ map: openAiVoiceMap(env), language: str(env, 'VOICE_LANGUAGE') ?? 'en' }),
    modelsDir: path.resolve(cwd, str(env, 'SHERPA_MODELS_DIR') ?? './models/data'),
    modelsManifest: str(env, 'SPEECH_MODELS_MANIFEST') && path.resolve(cwd, str(env, 'SPEECH_MODELS_MANIFEST')!),
    stt: str(env, 'SPEECH_STT'),
    tts: str(env, 'SPEECH_TTS'),
    vad: oneOf(env, 'SPEECH_VAD', ['silero', 'none'] as const, 'silero'),
    device: oneOf(env, 'SPEECH_DEVICE', ['cpu', 'cuda'] as const, 'cpu'),
    remoteUrl: str(env, 'SPEECH_REMOTE_URL'),
    remoteApiKey: str(env, 'SPEECH_REMOTE_API_KEY'),
  });
}

function openAiVoiceMap(env: Env): Record<string, string> {
  const { map, bad } = parseOpenAiVoiceMap(str(env, 'OPENAI_VOICE_MAP') ?? '');
  if (bad !== null) throw new ConfigError(`OPENAI_VOICE_MAP entries are name=voice, got "${bad}"`);
  return Object.freeze(map);
}

function list(env: Env, name: string): string[] {
  return (str(env, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function loadGsmConfig(env: Env, nodeEnv: Config['nodeEnv'], cwd: string): GsmConfig {
  const pcm = oneOf(env, 'GSM_PCM_RATE_HZ', ['8000', '16000'] as const, '8000');
  const greeting = str(env, 'GSM_GREETING_WAV');
  const businessHours = str(env, 'GSM_BUSINESS_HOURS') ?? '';
  try {
    parseBusinessHours(businessHours);
  } catch (error) {
    throw new ConfigError(`GSM_BUSINESS_HOURS: ${(error as Error).message}`);
  }
  return Object.freeze({
    enabled: bool(env, 'GSM_ENABLED', nodeEnv !== 'test'),
    atPort: str(env, 'GSM_AT_PORT'),
    audioPort: str(env, 'GSM_AUDIO_PORT'),
    baudRate: int(env, 'GSM_BAUD', 115_200, 1200, 4_000_000),
    pcmRateHz: pcm === '16000' ? 16000 : 8000,
    mockFallback: bool(env, 'GSM_MOCK_FALLBACK', true),
    answerAfterRings: int(env, 'GSM_ANSWER_AFTER_RINGS', 2, 1, 20),
    allowList: list(env, 'GSM_ALLOW_LIST'),
    blockList: list(env, 'GSM_BLOCK_LIST'),
    businessHours,
    timeZone: str(env, 'GSM_TIMEZONE') ?? 'UTC',
    commandTimeoutMs: int(env, 'GSM_COMMAND_TIMEOUT_MS', 5000, 100, 120_000),
    healthIntervalS: int(env, 'GSM_HEALTH_INTERVAL_S', 30, 1, 3600),
    reconnectDelayMs: int(env, 'GSM_RECONNECT_DELAY_MS', 2000, 50, 600_000),
    greetingWav: greeting === undefined ? undefined : path.resolve(cwd, greeting),
    maxCallS: int(env, 'GSM_MAX_CALL_S', 300, 5, 7200),
    smsAutoReply: Object.freeze({
      enabled: bool(env, 'GSM_SMS_AUTO_REPLY', false),
      route: str(env, 'GSM_SMS_REPLY_ROUTE'),
      maxPerSenderPerHour: int(env, 'GSM_SMS_REPLY_PER_SENDER_HOUR', 3, 0, 1000),
      maxPerDay: int(env, 'GSM_SMS_REPLY_DAILY_CAP', 100, 0, 100_000),
      maxParts: int(env, 'GSM_SMS_REPLY_MAX_PARTS', 2, 1, 10),
      blockList: list(env, 'GSM_SMS_REPLY_BLOCK_LIST'),
    }),
  } satisfies GsmConfig);
}
