const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/** Real snowflakes (timestamp, worker, increment) so discord.js derives sensible `createdAt` values. */
export class SnowflakeSource {
  private increment = 0n;

  next(atMs = Date.now()): string {
    this.increment = (this.increment + 1n) & 0xfffn;
    return (((BigInt(atMs) - DISCORD_EPOCH_MS) << 22n) | (1n << 17n) | this.increment).toString();
  }
}
