/** Discord's epoch (2015-01-01T00:00:00Z): snowflakes count milliseconds from it in their top 42 bits. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/** The smallest snowflake Discord could give at `ms` (for "messages after this time"). */
export function snowflakeAt(ms: number): string {
  return ((BigInt(Math.max(0, Math.floor(ms))) - DISCORD_EPOCH_MS) << 22n).toString();
}

/** Snowflakes as strings, compared as the numbers they are. */
export function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function previousSnowflake(id: string): string {
  return (BigInt(id) - 1n).toString();
}
