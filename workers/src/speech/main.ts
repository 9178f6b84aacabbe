import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkerLogger } from '../kit/logger.js';
import { runWorker } from '../kit/run-worker.js';
import { buildEngines } from './build-engines.js';
import { loadSpeechWorkerConfig } from './config.js';
import { createSpeechHost } from './host.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** `npm run worker -- --url ws://host:8002/ws/workers --token …` (also spawned by the orchestrator). */
async function main(): Promise<void> {
  const config = loadSpeechWorkerConfig(process.argv.slice(2), process.env, repoRoot);
  const logger = createWorkerLogger('speech-worker', config.logLevel);
  const engines = await buildEngines(config, logger);
  const host = createSpeechHost({
    workerId: config.workerId,
    name: config.name,
    capacity: config.capacity,
    engines,
    logger,
  });
  const worker = runWorker(
    { kind: 'speech-worker', url: config.url, token: config.token, logger, exitOnDisconnect: config.exitOnDisconnect },
    host,
  );
  const stop = () => {
    worker.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`speech worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
