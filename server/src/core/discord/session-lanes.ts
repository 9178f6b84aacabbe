import type { DiscordWhileAnswering } from './guild-types.js';

/** One turn's place in its session (a channel or thread): wait for it, then answer, then leave. */
export interface LaneSlot {
  /** Aborted when a newer turn of a `cancel` session takes over. */
  readonly signal: AbortSignal;
  readonly cancelled: boolean;
  /** The turn is over (answered, refused, failed or cancelled): the next one may go. */
  leave(): void;
}

interface Entry extends LaneSlot {
  cancel(): void;
  readonly done: Promise<void>;
}

/**
 * Orders the turns of each session: a new turn waits until the previous one is over (`queue`), or cancels it
 * and then goes (`cancel`); either way the session's history stays in order and one answer is written at a time.
 */
export function createSessionLanes() {
  /** The newest turn of each session. */
  const newest = new Map<string, Entry>();

  function entryFor(session: string): Entry {
    const controller = new AbortController();
    let cancelled = false;
    let finish!: () => void;
    const entry: Entry = {
      signal: controller.signal,
      get cancelled() {
        return cancelled;
      },
      cancel() {
        cancelled = true;
        controller.abort();
      },
      done: new Promise<void>((resolve) => (finish = resolve)),
      leave() {
        if (newest.get(session) === entry) newest.delete(session);
        finish();
      },
    };
    return entry;
  }

  /** Takes a place in `session`; resolves once the turn may be answered. */
  async function enter(session: string, mode: DiscordWhileAnswering): Promise<LaneSlot> {
    const previous = newest.get(session);
    const entry = entryFor(session);
    newest.set(session, entry);
    if (previous && mode === 'cancel') previous.cancel();
    await previous?.done;
    return entry;
  }

  return {
    enter,
    /** Sessions with a turn being answered or waiting. */
    get busy(): number {
      return newest.size;
    },
  };
}
export type SessionLanes = ReturnType<typeof createSessionLanes>;
