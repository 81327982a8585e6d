import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
} from 'discord.js';
import type { CommandAnswer } from '../shared/memory-commands.js';

/** Discord's limits: 5 buttons a row, 5 rows a message, 80 characters a label. */
const PER_ROW = 5;
const MAX_ROWS = 5;
const LABEL_CHARS = 80;

/**
 * A command answer's buttons as Discord message components (rows of secondary buttons, each
 * custom_id the action's ID). An empty list removes the buttons of a message being updated.
 */
export function componentsOf(
  answer: CommandAnswer,
): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const actions = (answer.actions ?? []).slice(0, PER_ROW * MAX_ROWS);
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  for (let i = 0; i < actions.length; i += PER_ROW) {
    const buttons = actions
      .slice(i, i + PER_ROW)
      .map((action) =>
        new ButtonBuilder()
          .setCustomId(action.id)
          .setLabel(Array.from(action.label).slice(0, LABEL_CHARS).join(''))
          .setStyle(ButtonStyle.Secondary),
      );
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons).toJSON());
  }
  return rows;
}
