import type { Redis } from 'ioredis';

/**
 * What a Lua script costs Redis for reading a conversation, against a plain command: the same
 * list (20 messages of ~900 bytes, a session after 10 turns) read 2,000 times with `LRANGE` and
 * with an `EVALSHA` that returns `redis.call('LRANGE', …)`, timed by `INFO commandstats` on the
 * benchmark's own Redis. The script converts every element to a Lua string and back.
 */
export interface RedisProbe {
  readonly messages: number;
  readonly bytesEach: number;
  /** µs per call as Redis counts them. */
  readonly plainLrangeUs: number;
  readonly scriptLrangeUs: number;
  readonly emptyScriptUs: number;
}

const CALLS = 2000;

export async function probeScriptCost(redis: Redis, key: string): Promise<RedisProbe> {
  const messages = 20;
  const bytesEach = 900;
  await redis.del(key);
  await redis.rpush(key, ...Array.from({ length: messages }, () => 'x'.repeat(bytesEach)));
  const viaScript = String(
    await redis.script('LOAD', "return redis.call('LRANGE', KEYS[1], 0, -1)"),
  );
  const empty = String(await redis.script('LOAD', 'return 1'));
  const timed = async (command: string, send: (pipe: ReturnType<Redis['pipeline']>) => void) => {
    await redis.call('CONFIG', 'RESETSTAT');
    for (let done = 0; done < CALLS; done += 200) {
      const pipe = redis.pipeline();
      for (let i = 0; i < 200; i++) send(pipe);
      await pipe.exec();
    }
    const info = await redis.info('commandstats');
    return Number(
      new RegExp(`cmdstat_${command}:.*usec_per_call=([\\d.]+)`).exec(info)?.[1] ?? NaN,
    );
  };
  try {
    return {
      messages,
      bytesEach,
      plainLrangeUs: await timed('lrange', (p) => p.lrange(key, 0, -1)),
      scriptLrangeUs: await timed('evalsha', (p) => p.evalsha(viaScript, 1, key)),
      emptyScriptUs: await timed('evalsha', (p) => p.evalsha(empty, 0)),
    };
  } finally {
    await redis.del(key);
  }
}
