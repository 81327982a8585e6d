import {
  Client,
  Events,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  Partials,
  Status,
  type ChatInputCommandInteraction,
  type ClientEvents,
  type GatewayDispatchPayload,
  type GatewayInteractionCreateDispatchData,
  type GatewayMessageCreateDispatchData,
  type Message,
} from 'discord.js';
import { guildCreatePayload, readyPayload } from './raw-payloads.js';

/**
 * The part of discord.js's gateway that turns a dispatch into cached structures and events
 * (`WebSocketManager#handlePacket` → `client/websocket/handlers/*`). It is internal, so it is
 * reached through this narrow view; the shard only needs the two members READY reads.
 */
interface GatewayInbox {
  handlePacket(packet: GatewayDispatchPayload, shard: { id: number; checkReady(): void }): boolean;
}

/**
 * A discord.js client that is never logged in: raw dispatches go through the same handlers a live
 * gateway feeds, so every structure the mapping reads is discord.js's own, built with no network.
 * Intents and partials are the bot's (`createDiscord` in app.ts): Partials.Channel is what lets a
 * DM arrive without its channel cached.
 */
export class OfflineDiscord {
  readonly client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
    ],
    partials: [Partials.Channel],
  });
  private readonly inbox = this.client.ws as unknown as GatewayInbox;
  private readonly shard = { id: 0, checkReady: () => undefined };
  private sequence = 0;

  constructor() {
    // Dispatches before READY would be queued for later, as they are while a shard connects.
    this.client.ws.status = Status.Ready;
    this.dispatch({ t: GatewayDispatchEvents.Ready, d: readyPayload() });
    this.dispatch({ t: GatewayDispatchEvents.GuildCreate, d: guildCreatePayload() });
  }

  /** MESSAGE_CREATE: the Message discord.js emits to `messageCreate` listeners. */
  message(data: GatewayMessageCreateDispatchData): Message {
    return this.received(Events.MessageCreate, () =>
      this.dispatch({ t: GatewayDispatchEvents.MessageCreate, d: data }),
    );
  }

  /** INTERACTION_CREATE of a slash command: the ChatInputCommandInteraction discord.js emits. */
  command(data: GatewayInteractionCreateDispatchData): ChatInputCommandInteraction {
    const interaction = this.received(Events.InteractionCreate, () =>
      this.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: data }),
    );
    if (!interaction.isChatInputCommand()) throw new Error('not a slash command');
    return interaction;
  }

  private dispatch(packet: DispatchWithoutEnvelope): void {
    this.sequence += 1;
    const full = { op: GatewayOpcodes.Dispatch, s: this.sequence, ...packet };
    this.inbox.handlePacket(full as GatewayDispatchPayload, this.shard);
  }

  private received<E extends Events.MessageCreate | Events.InteractionCreate>(
    event: E,
    send: () => void,
  ): ClientEvents[E][0] {
    let got: ClientEvents[E][0] | undefined;
    const listener = (...args: ClientEvents[E]): void => {
      got = args[0];
    };
    this.client.on(event, listener);
    try {
      send();
    } finally {
      this.client.off(event, listener);
    }
    if (got === undefined) throw new Error(`discord.js emitted no ${event}`);
    return got;
  }
}

/** A dispatch's event name and data, each `d` checked against its own `t`. */
type DispatchWithoutEnvelope = GatewayDispatchPayload extends infer P
  ? P extends GatewayDispatchPayload
    ? Pick<P, 't' | 'd'>
    : never
  : never;
