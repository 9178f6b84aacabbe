/** The prompt variables the server fills (server/src/core/llm/personas.ts renderPersonaPrompt). */
export const PROMPT_VARIABLES = ['business_name', 'date', 'time', 'weekday', 'timezone'] as const;

export interface PreviewInput {
  systemPrompt: string;
  language: string;
  timezone: string;
  businessName: string;
}

function safeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** The prompt as the model would see it now, rendered the way the server renders it. */
export function previewPrompt(input: PreviewInput, at: Date = new Date()): string {
  const zone = safeZone(input.timezone);
  const fmt = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(input.language || 'en', { timeZone: zone, ...options }).format(at);
  const values: Record<string, string> = {
    date: fmt({ year: 'numeric', month: 'long', day: 'numeric' }),
    time: fmt({ hour: '2-digit', minute: '2-digit', hour12: false }),
    weekday: fmt({ weekday: 'long' }),
    business_name: input.businessName,
    timezone: zone,
  };
  return input.systemPrompt.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
