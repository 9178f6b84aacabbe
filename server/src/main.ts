import { loadConfig } from './config.js';
import { isAppError } from './errors.js';
import { createLogger } from './logger.js';
import { startRuntime, type Runtime } from './runtime.js';

/** Printed straight to the console, once: the password must never reach the log files. */
function announceFirstAdmin(runtime: Runtime): void {
  const { firstAdmin } = runtime;
  if (!firstAdmin.created) return;
  const lines = firstAdmin.generatedPassword
    ? [
        'First start: created user "admin" with this one-time password (it is not stored anywhere in clear):',
        `    ${firstAdmin.generatedPassword}`,
        'Sign in and change it, or set ADMIN_PASSWORD before the first start next time.',
      ]
    : ['First start: created user "admin" with the password from ADMIN_PASSWORD.'];
  const bar = '='.repeat(78);
  process.stdout.write(`\n${bar}\n${lines.join('\n')}\n${bar}\n\n`);
}

function installShutdown(runtime: Runtime, logger: ReturnType<typeof createLogger>): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    runtime.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  const logger = createLogger(config);
  const runtime = await startRuntime(config, logger);
  installShutdown(runtime, logger);
  for (const file of runtime.generatedSecrets) logger.info({ file }, 'generated a new secret (keep it with the data)');
  const address = await runtime.app.listen({ port: config.port, host: config.host });
  announceFirstAdmin(runtime);
  logger.info(
    { address, dataDir: config.dataDir, startupMs: Math.round(performance.now() - startedAt) },
    'AI Secretary is listening',
  );
  process.stdout.write(`AI Secretary listening on ${address}  (admin: ${address}/admin/, API docs: ${address}/docs)\n`);
}

main().catch((error: unknown) => {
  const message = isAppError(error) ? `${error.code}: ${error.message}` : String((error as Error)?.stack ?? error);
  process.stderr.write(`AI Secretary failed to start: ${message}\n`);
  process.exit(1);
});
