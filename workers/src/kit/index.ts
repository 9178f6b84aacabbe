/**
 * Shared by every child process (speech workers, bots): the worker kit. `runWorker()` holds the link to the
 * orchestrator for a child of any kind; `linkFromEnv()` reads what the supervisor passed; logging.
 */
export const WORKER_KIT_VERSION = 2;
export { runWorker, EXIT_REFUSED, type ChildHandlers, type WorkerHandlers, type WorkerLink } from './run-worker.js';
export { linkFromEnv, type LinkEnv } from './link-env.js';
export { createWorkerLogger, type Logger } from './logger.js';
