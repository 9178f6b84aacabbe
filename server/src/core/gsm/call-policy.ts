/** Which incoming calls the secretary answers: block list, allow list, then the business's opening hours. */
import { isOpenAtInstant, type BusinessSchedule } from '../settings/business-hours.js';

export interface CallPolicyConfig {
  allowList: readonly string[];
  blockList: readonly string[];
}

export type CallDecision = 'answer' | 'reject' | 'ignore';

/** The opening hours in force when a call rings (settings owns them: saved, or the environment's). */
export type ScheduleSource = () => BusinessSchedule;

const normalize = (n: string) => n.replace(/[^0-9+]/g, '');

export function createCallPolicy(config: CallPolicyConfig, schedule: ScheduleSource) {
  const allow = new Set(config.allowList.map(normalize));
  const block = new Set(config.blockList.map(normalize));
  return (number: string | null, atMs: number): CallDecision => {
    const n = number ? normalize(number) : '';
    if (n && block.has(n)) return 'reject';
    if (allow.size > 0 && !allow.has(n)) return 'ignore';
    return isOpenAtInstant(schedule(), atMs) ? 'answer' : 'ignore';
  };
}
