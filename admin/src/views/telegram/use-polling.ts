// Moved to composables/ (the Discord views and the shared bot components poll too); kept so imports of it still resolve.
export { STATUS_POLL_MS, usePolling } from '../../composables/use-polling.js';
