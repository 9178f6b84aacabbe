import { createJobScheduler, type JobScheduler } from '../core/jobs/scheduler.js';
import type { Started } from './index.js';
import type { Module, ModuleDefinition } from './module.js';

export interface JobsModule extends Module {
  scheduler: JobScheduler;
}

/** Finished jobs are forgotten after this (their features keep their own records). */
const KEEP_DONE_MS = 30 * 24 * 3_600_000;

/**
 * The durable due-jobs scheduler: later modules register their job kinds (`telegram.followup.send`, …) and
 * enqueue; the loop claims due jobs with a lease. Stopped in `drain`, so no handler runs while modules close.
 */
export const jobsModule: ModuleDefinition<Started, 'jobs'> = {
  name: 'jobs',
  async start({ config, logger, clock, get }) {
    const { stores } = get('database');
    const log = logger.child({ component: 'jobs' });
    const scheduler = createJobScheduler({
      store: stores.jobs,
      clock,
      logger: log,
      leaseMs: config.jobs.leaseMs,
      retryBaseMs: config.jobs.retryBaseMs,
      concurrency: config.jobs.concurrency,
    });
    const pruned = await stores.jobs.prune(clock() - KEEP_DONE_MS);
    if (pruned > 0) log.debug({ pruned }, 'jobs: old finished jobs forgotten');
    scheduler.start(config.jobs.pollMs);
    return { name: 'jobs', scheduler, drain: () => scheduler.stop() };
  },
};
