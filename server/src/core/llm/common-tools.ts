import type { LoopTool } from './tool-loop.js';

export const CURRENT_TIME = 'current_time';

/** `current_time`: the date and time now in the business's time zone (from the settings). */
export function currentTimeTool(deps: { timezone: () => string; clock: () => number }): LoopTool {
  return {
    definition: {
      type: 'function',
      function: {
        name: CURRENT_TIME,
        description: "The current date, weekday and time in the business's time zone.",
        parameters: { type: 'object', properties: {} },
      },
    },
    run: async () => {
      const timeZone = deps.timezone();
      const now = new Date(deps.clock());
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        dateStyle: 'full',
        timeStyle: 'short',
      }).format(now);
      return JSON.stringify({ timeZone, local, iso: now.toISOString() });
    },
  };
}
