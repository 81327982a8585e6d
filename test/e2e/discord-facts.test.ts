import { beforeEach, describe, expect, it } from 'vitest';
import { buttonsIn } from '../doubles/discord/components.js';
import type { FakeChannel, StoredMessage } from '../doubles/fake-discord-server.js';
import { useDiscordE2E } from '../support/discord-e2e.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-token_for-facts';

/**
 * Facts on Discord, through the real discord.js client against the fake Discord: /remember,
 * /memory as an ephemeral message with delete buttons, button interactions answered by updating
 * that message, and the privacy rule between a server and DMs.
 */
describe('Discord: facts people can see, correct and delete', () => {
  const dc = useDiscordE2E('discord-facts', {
    token: TOKEN,
    apiKey: 'sk-discord-facts',
    guild: { name: 'One', channels: [{ name: 'general' }] },
    env: { LLM_TIMEOUT_MS: '3000', LLM_MAX_RETRIES: '0' },
  });
  const { e2e } = dc;
  let general: FakeChannel;
  let otherServer: FakeChannel;

  beforeEach(() => {
    general = dc.guild.channels[0]!;
    otherServer = dc.discord.addGuild({ name: 'Two', channels: [{ name: 'lobby' }] }).channels[0]!;
  });

  /** Runs a slash command; resolves with its ephemeral answer once written. */
  async function command(
    name: string,
    options?: Record<string, string>,
    channelId?: string,
  ): Promise<StoredMessage> {
    const interaction = dc.discord.createInteraction({ name, user: dc.alice, channelId, options });
    await dc.discord.waitFor(
      () => (dc.discord.interactionResponses(interaction.id).original?.edits.length ?? 0) >= 1,
      8000,
    );
    const original = dc.discord.interactionResponses(interaction.id).original!;
    expect(original.flags & 64).toBe(64);
    return original;
  }

  /** Presses a button of an answer; resolves with the interaction's record once answered. */
  async function press(message: StoredMessage, customId: string) {
    const edits = message.edits.length;
    const interaction = dc.discord.pressButton({ user: dc.alice, messageId: message.id, customId });
    await dc.discord.waitFor(() => {
      const record = dc.discord.interactionResponses(interaction.id);
      return (
        record.callback !== undefined &&
        (record.followUps.length > 0 || message.edits.length > edits)
      );
    }, 8000);
    return dc.discord.interactionResponses(interaction.id);
  }

  it('/remember, then /memory lists the facts allowed here with buttons that delete them', async () => {
    await dc.start();
    const noted = await command('remember', { fact: 'I am allergic to peanuts' }, general.id);
    expect(noted.content).toBe(
      'Noted: "I am allergic to peanuts". /memory shows what I know about you.',
    );
    await command('remember', { fact: 'My PIN is 1234' });

    const inServer = await command('memory', undefined, general.id);
    expect(inServer.content).toContain('1. I am allergic to peanuts');
    expect(inServer.content).not.toContain('1234');
    const [button] = buttonsIn(inServer.components);
    expect(button).toMatchObject({ label: '✕ 1. I am allergic to peanuts' });
    expect(button!.customId).toMatch(/^fact:del:[a-z0-9]{10}$/);

    expect((await command('memory', undefined, otherServer.id)).content).not.toContain('peanuts');
    const inDm = await command('memory');
    expect(buttonsIn(inDm.components)).toHaveLength(2);

    const pressed = await press(inServer, button!.customId);
    expect(pressed.callback?.type).toBe(7);
    expect(inServer.content).toMatch(/^_Deleted: I no longer know that\._/);
    expect(inServer.content).not.toContain('peanuts');
    expect(buttonsIn(inServer.components)).toEqual([]);

    // The DM list still has the deleted fact's button: a stale press answers politely.
    const stale = buttonsIn(inDm.components).find((b) => b.label.includes('peanuts'))!;
    await press(inDm, stale.customId);
    expect(inDm.content).toMatch(/^_That fact was already gone\._/);
    expect(buttonsIn(inDm.components).map((b) => b.label)).toEqual(['✕ 1. My PIN is 1234']);
  });

  it('works while the model is down, and /remember learning off shows in /memory', async () => {
    await dc.start();
    e2e.openai.setHandler(() => ({ status: 503 }));
    await command('remember', { learning: 'off' });
    await command('remember', { fact: 'I work night shifts' });
    const listed = await command('memory');
    expect(listed.content).toContain('Learning facts about you: off');
    await press(listed, buttonsIn(listed.components)[0]!.customId);
    expect(listed.content).not.toContain('night shifts');
    expect((await command('forget', { scope: 'everywhere' })).content).toMatch(/^Done/);
  });
});
