/** The fake Discord's two halves, as the parts that need both (messages, interactions) take them. */
import type { Gateway } from './gateway.js';
import type { DiscordWorld } from './world.js';

export interface FakeDiscord {
  readonly world: DiscordWorld;
  readonly gateway: Gateway;
}
