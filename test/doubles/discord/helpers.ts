/** Small helpers of the fake Discord: snowflakes, timestamps, shards, text lengths. */

const DISCORD_EPOCH = 1_420_070_400_000n;

export function isoTime(at: number = Date.now()): string {
  return new Date(at).toISOString();
}

/** Snowflakes with the current time, so discord.js's `createdAt` and route bucketing (17–19 digits) work. */
export function createSnowflakeGenerator(): () => string {
  let lastMs = 0n;
  let increment = 0n;
  return () => {
    let ms = BigInt(Date.now()) - DISCORD_EPOCH;
    if (ms <= lastMs) {
      increment += 1n;
      if (increment > 0xfffn) {
        lastMs += 1n;
        increment = 0n;
      }
      ms = lastMs;
    } else {
      lastMs = ms;
      increment = 0n;
    }
    return ((ms << 22n) | (1n << 17n) | (1n << 12n) | increment).toString();
  };
}

export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
