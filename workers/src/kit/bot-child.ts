import type { HelloOf, ToChildOf } from '@ai-secretary/protocol';
import { linkFromEnv } from './link-env.js';
import { createWorkerLogger, type Logger } from './logger.js';
import { runWorker, type WorkerLink } from './run-worker.js';

export type BotChildKind = 'telegram-bot' | 'discord-bot';

/** One bot (Telegram or Discord) inside its supervised child process. */
export interface BotChild<K extends BotChildKind> {
  readonly activeJobs: number;
  onMessage(message: ToChildOf<K>, link: WorkerLink<K>): void;
  /** Disconnects from the platform and lets the turns in flight finish (or not), before the process exits. */
  stop(): Promise<void>;
}

/** Exit status of a bot that sent `fatal`: the supervisor marks it failed instead of restarting it. */
const EXIT_FATAL = 3;

/** Reports why the bot cannot go on, then exits (after the message has had time to leave). */
export function exitFatal<K extends BotChildKind>(
  logger: Logger,
  reason: string,
  link: WorkerLink<K> | undefined,
): void {
  logger.error({ reason }, 'bot cannot go on');
  link?.send({ type: 'fatal', reason } as Parameters<WorkerLink<K>['send']>[0]);
  setTimeout(() => process.exit(EXIT_FATAL), 200);
}

/**
 * The entry point of a bot process: reads the link the supervisor passed, says hello as `kind`, hands the
 * orchestrator's messages to the bot and stops it on SIGTERM/SIGINT.
 */
export function runBotChild<K extends BotChildKind>(kind: K, createBot: (logger: Logger) => BotChild<K>): void {
  const env = linkFromEnv(process.env);
  const logger = createWorkerLogger(kind, process.env.LOG_LEVEL ?? 'info');
  if (!env.url || !env.credential || !env.childId) {
    logger.fatal('CHILD_LINK_URL, CHILD_LINK_TOKEN and CHILD_ID are required (the orchestrator starts this process)');
    process.exit(2);
  }
  const childId = env.childId;
  const bot = createBot(logger);
  const worker = runWorker(
    { kind, url: env.url, token: env.credential, logger, exitOnDisconnect: env.exitOnDisconnect },
    {
      // The bot kinds' hellos have the same fields; runWorker checks it against the kind's schema.
      hello: () =>
        ({
          type: 'hello',
          kind,
          protocolVersion: 1,
          workerId: childId,
          name: process.env.BOT_NAME ?? kind.replace(/-bot$/, ''),
          pid: process.pid,
        }) as HelloOf<K>,
      onMessage: (message, link) => bot.onMessage(message, link),
      activeJobs: () => bot.activeJobs,
    },
  );
  const stop = () => {
    void bot.stop().finally(() => {
      worker.close();
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
