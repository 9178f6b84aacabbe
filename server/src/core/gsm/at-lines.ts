/** Classifies the lines a SIM7600 sends: final result codes, unsolicited result codes, the SMS prompt, data. */

export type FinalResult =
  | { ok: true }
  | {
      ok: false;
      kind: 'ERROR' | 'CME' | 'CMS' | 'NO CARRIER' | 'BUSY' | 'NO ANSWER' | 'NO DIALTONE';
      code: number | null;
    };

export type AtLine =
  | { kind: 'final'; result: FinalResult }
  | { kind: 'urc'; urc: Urc }
  | { kind: 'prompt' }
  | { kind: 'data'; text: string };

export interface Urc {
  /** `RING`, `+CLIP`, `+CLCC`, `+CMTI`, `+CDS`, `NO CARRIER`, … */
  name: string;
  /** Everything after `name:` (trimmed), or '' for bare codes. */
  args: string;
  /** The PDU line that follows `+CMT:` / `+CDS:`, once received. */
  pdu?: string;
}

const BARE_URCS = new Set([
  'RING',
  'NO CARRIER',
  'BUSY',
  'NO ANSWER',
  'RDY',
  'SMS DONE',
  'PB DONE',
  'VOICE CALL: BEGIN',
  'VOICE CALL: END',
  'CALL READY',
]);

/** Prefixed codes that are unsolicited unless the command in flight asked for them. */
const PREFIXED_URCS = new Set([
  '+CLIP',
  '+CLCC',
  '+CMTI',
  '+CDSI',
  '+CMT',
  '+CDS',
  '+RXDTMF',
  '+CREG',
  '+CGREG',
  '+CEREG',
  '+CPIN',
  '+CRING',
  'MISSED_CALL',
  'VOICE CALL',
  '+CPCMREG',
  '+CUSD',
  '+CGEV',
  '*ATREADY',
]);

/** URCs followed by one PDU line. */
export const TWO_LINE_URCS = new Set(['+CMT', '+CDS']);

const CALL_FAILURES = new Set(['NO CARRIER', 'BUSY', 'NO ANSWER', 'NO DIALTONE']);

/** The `+XYZ` a command's own response lines start with (`AT+CREG?` → `+CREG`), or null. */
export function responsePrefixOf(command: string): string | null {
  const match = /^AT([+*$^][A-Z0-9]+)/i.exec(command.trim());
  return match?.[1] ? match[1].toUpperCase() : null;
}

function parseFinal(line: string): FinalResult | null {
  if (line === 'OK') return { ok: true };
  if (line === 'ERROR') return { ok: false, kind: 'ERROR', code: null };
  const cme = /^\+CME ERROR:\s*(\d+)/.exec(line);
  if (cme) return { ok: false, kind: 'CME', code: Number(cme[1]) };
  const cms = /^\+CMS ERROR:\s*(\d+)/.exec(line);
  if (cms) return { ok: false, kind: 'CMS', code: Number(cms[1]) };
  if (/^\+CM[ES] ERROR:/.test(line)) return { ok: false, kind: line.startsWith('+CME') ? 'CME' : 'CMS', code: null };
  return null;
}

function parseUrc(line: string): Urc | null {
  if (BARE_URCS.has(line)) return { name: line, args: '' };
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  const name = line.slice(0, colon);
  if (!PREFIXED_URCS.has(name)) return null;
  return { name, args: line.slice(colon + 1).trim() };
}

/**
 * @param line one line without its ending
 * @param inFlight the command waiting for a response, if any (its own `+XYZ:` lines are data, not URCs)
 */
export function classifyLine(line: string, inFlight: string | null): AtLine {
  const trimmed = line.trim();
  if (trimmed === '>' || line === '> ') return { kind: 'prompt' };
  const final = parseFinal(trimmed);
  if (final) return { kind: 'final', result: final };
  if (inFlight !== null && CALL_FAILURES.has(trimmed) && /^AT[DA]/i.test(inFlight)) {
    return { kind: 'final', result: { ok: false, kind: trimmed as 'NO CARRIER', code: null } };
  }
  const urc = parseUrc(trimmed);
  if (urc && !(inFlight !== null && responsePrefixOf(inFlight) === urc.name)) return { kind: 'urc', urc };
  return { kind: 'data', text: trimmed };
}

const CME_MEANINGS: Record<number, string> = {
  0: 'phone failure',
  3: 'operation not allowed',
  4: 'operation not supported',
  10: 'SIM not inserted',
  11: 'SIM PIN required',
  12: 'SIM PUK required',
  13: 'SIM failure',
  14: 'SIM busy',
  15: 'SIM wrong',
  16: 'incorrect password',
  20: 'memory full',
  21: 'invalid index',
  22: 'not found',
  30: 'no network service',
  31: 'network timeout',
  32: 'network not allowed, emergency calls only',
  100: 'unknown',
};

const CMS_MEANINGS: Record<number, string> = {
  300: 'ME failure',
  301: 'SMS service of ME reserved',
  302: 'operation not allowed',
  303: 'operation not supported',
  304: 'invalid PDU mode parameter',
  305: 'invalid text mode parameter',
  310: 'SIM not inserted',
  311: 'SIM PIN required',
  313: 'SIM failure',
  314: 'SIM busy',
  316: 'SIM PUK required',
  320: 'memory failure',
  321: 'invalid memory index',
  322: 'memory full',
  330: 'SMSC address unknown',
  331: 'no network service',
  332: 'network timeout',
  500: 'unknown error',
};

/** A human meaning for a failed final result, e.g. `+CMS ERROR: 330` → "SMSC address unknown". */
export function describeFailure(result: Exclude<FinalResult, { ok: true }>): string {
  if (result.kind === 'CME') return CME_MEANINGS[result.code ?? -1] ?? `CME error ${result.code ?? '?'}`;
  if (result.kind === 'CMS') return CMS_MEANINGS[result.code ?? -1] ?? `CMS error ${result.code ?? '?'}`;
  return result.kind === 'ERROR' ? 'command rejected' : result.kind.toLowerCase();
}
