import { ApplicationCommandOptionType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandOf } from '../../../src/platforms/discord/discord-mapping.js';
import { OfflineDiscord } from './offline-discord.js';
import { dmSlashCommand, guildSlashCommand, members } from './raw-payloads.js';

/** MANAGE_GUILD and ADMINISTRATOR, as Discord sends member permissions: decimal strings. */
const MANAGE_GUILD = String(1n << 5n);
const ADMINISTRATOR = String(1n << 3n);

describe('commandOf: /persona, /model and who may change a chat (raw INTERACTION_CREATE)', () => {
  let discord: OfflineDiscord;

  beforeAll(() => {
    discord = new OfflineDiscord();
  });
  afterAll(() => discord.client.destroy());

  const inGuild = (permissions: string, options: Record<string, string> = {}) => {
    const payload = guildSlashCommand('persona', options);
    return discord.command({ ...payload, member: { ...members.ann, permissions } });
  };

  it('lets members with Manage Server (or Administrator) change a channel, and no one else', async () => {
    expect(await commandOf(inGuild(MANAGE_GUILD))!.canManageChat!()).toBe(true);
    expect(await commandOf(inGuild(ADMINISTRATOR))!.canManageChat!()).toBe(true);
    expect(await commandOf(inGuild('0'))!.canManageChat!()).toBe(false);
    expect(await commandOf(discord.command(dmSlashCommand('persona')))!.canManageChat!()).toBe(
      true,
    );
  });

  it('reads the persona’s text, reset over a text, and the model’s name as arguments', () => {
    expect(commandOf(inGuild('0', { text: 'You are a pirate' }))).toMatchObject({
      name: 'persona',
      args: 'You are a pirate',
    });
    const payload = guildSlashCommand('persona', { text: 'ignored' });
    const reset = {
      ...payload,
      data: {
        ...payload.data,
        options: [
          ...(payload.data.options ?? []),
          { name: 'reset', type: ApplicationCommandOptionType.Boolean as const, value: true },
        ],
      },
    };
    expect(commandOf(discord.command(reset))).toMatchObject({ args: 'reset' });
    const model = discord.command(dmSlashCommand('model', { name: 'gpt-4o' }));
    expect(commandOf(model)).toMatchObject({ name: 'model', args: 'gpt-4o' });
    expect(commandOf(discord.command(dmSlashCommand('usage')))).toMatchObject({ args: '' });
  });
});
