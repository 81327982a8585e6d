import { fileURLToPath } from 'node:url';
import { REST, Routes, ShardingManager, type RESTGetAPIGatewayBotResult } from 'discord.js';
import { readConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { installProcessHandlers } from './process-handlers.js';

/**
 * `npm run start:sharded`: Discord past 2,500 guilds. discord.js's ShardingManager starts one
 * process per shard, each running `main` with its shard ID; all share one Redis. A session belongs
 * to one channel of one guild (DMs go to shard 0), so exactly one process handles it, and its turns
 * stay in order while the memory invariants hold through Redis. Telegram and the HTTP server run
 * in shard 0 only.
 */
async function main(): Promise<void> {
  const config = readConfigOrExit();
  const discord = config.discord;
  if (!discord) {
    process.stderr.write('Set DISCORD_TOKEN to run Discord shards.\n');
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel });
  const gateway = await gatewayInfo(discord.apiUrl, discord.token);
  const totalShards = discord.shards === 'auto' ? Math.max(1, gateway.shards) : discord.shards;
  // Discord lets `max_concurrency` shards identify every 5 s; start them no faster than that.
  const concurrency = Math.max(1, gateway.session_start_limit.max_concurrency);
  const delay = concurrency >= totalShards ? 500 : Math.ceil(5500 / concurrency);
  // The same entry point as `npm start`, compiled or from source (tsx), with the same Node flags.
  const file = fileURLToPath(
    new URL(import.meta.url.endsWith('.ts') ? './main.ts' : './main.js', import.meta.url),
  );
  const manager = new ShardingManager(file, {
    token: discord.token,
    totalShards,
    respawn: true,
    execArgv: process.execArgv,
  });
  manager.on('shardCreate', (shard) => {
    logger.info({ shard: shard.id, total: totalShards }, 'shard started');
    shard.on('death', () => logger.warn({ shard: shard.id }, 'shard process exited'));
  });

  let stopping = false;
  const stop = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    manager.respawn = false;
    logger.info({ signal }, 'stopping shards');
    await Promise.all(
      [...manager.shards.values()].map(
        (shard) =>
          new Promise<void>((resolve) => {
            const child = shard.process;
            if (!child || child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    logger.info('all shards stopped');
    logger.flush();
    process.exit(code);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  // An error nobody handled: stop the shards as on SIGTERM (each has its own 10 s grace) and exit
  // non-zero.
  installProcessHandlers(logger, () => stop('fatal error', 1), { graceMs: 15_000 });

  // Each shard has 60 s to become ready; a failing one is respawned by the manager.
  await manager.spawn({ amount: totalShards, delay, timeout: 60_000 });
  logger.info({ shards: totalShards }, 'all shards ready');
}

async function gatewayInfo(apiUrl: string, token: string): Promise<RESTGetAPIGatewayBotResult> {
  const rest = new REST({ api: apiUrl }).setToken(token);
  return (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
}

await main();
