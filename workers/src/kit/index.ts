/**
 * Shared by every worker process (speech engines, bots): the worker kit. The speech workers issue
 * fills this with runWorker(), the WebSocket link to the orchestrator and logging.
 */
export const WORKER_KIT_VERSION = 1;
