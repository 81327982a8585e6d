import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordCommands, syncCommands } from '../../../src/platforms/discord/discord-commands.js';
import {
  startFakeDiscordServer,
  type FakeDiscordServer,
} from '../../doubles/fake-discord-server.js';

describe('Discord slash commands', () => {
  let discord: FakeDiscordServer;
  let rest: REST;

  beforeAll(async () => {
    discord = await startFakeDiscordServer();
    rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
  });
  afterAll(() => discord.close());

  it('defines /forget with a scope choice and /memory, usable in guilds and DMs', () => {
    const [forget, memory] = discordCommands();
    expect(forget).toMatchObject({
      name: 'forget',
      contexts: [0, 1],
      options: [{ name: 'scope', type: 3, choices: [{ value: 'here' }, { value: 'everywhere' }] }],
    });
    expect(memory).toMatchObject({ name: 'memory', contexts: [0, 1] });
  });

  it('defines /remember with a fact of at most 200 characters and a learning on/off choice', () => {
    const remember = discordCommands().find((c) => c.name === 'remember');
    expect(remember).toMatchObject({
      contexts: [0, 1],
      options: [
        { name: 'fact', type: 3, max_length: 200 },
        { name: 'learning', type: 3, choices: [{ value: 'on' }, { value: 'off' }] },
      ],
    });
  });

  it('registers only when the registered commands differ', async () => {
    const puts = () =>
      discord.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/commands')).length;
    expect(await syncCommands(rest)).toBe(true);
    expect(
      discord
        .registeredCommands()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['forget', 'memory', 'model', 'persona', 'remember', 'usage']);
    expect(await syncCommands(rest)).toBe(false);
    expect(puts()).toBe(1);

    // Someone changed a description by hand: the next sync puts ours back.
    await rest.put(`/applications/${discord.applicationId}/commands`, {
      body: [{ ...discordCommands()[0], description: 'old text' }, ...discordCommands().slice(1)],
    });
    expect(await syncCommands(rest)).toBe(true);
    expect(discord.registeredCommands().find((c) => c.name === 'forget')!.description).toBe(
      'Make the bot forget what it remembers of you',
    );

    // /persona is shown by default only to members with Manage Server; a change is put back.
    const permissions = () =>
      Object.fromEntries(
        discord.registeredCommands().map((c) => [c.name, c.default_member_permissions]),
      );
    expect(permissions()).toMatchObject({ persona: '32', model: null, usage: null, memory: null });
    await rest.put(`/applications/${discord.applicationId}/commands`, {
      body: discordCommands().map((c) =>
        c.name === 'persona' ? { ...c, default_member_permissions: null } : c,
      ),
    });
    expect(await syncCommands(rest)).toBe(true);
    expect(permissions().persona).toBe('32');
  });
});
