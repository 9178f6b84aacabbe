import type { APIMessage, APIUser } from 'discord-api-types/v10';
import { invalidFormBody } from './wire.js';
import type { InteractionRecord } from './interactions.js';
import { channelObject, EVERYONE_PERMISSIONS, memberObject } from './payloads.js';
import type { World } from './world.js';

/** A button as the fake keeps it (type 2 inside a type 1 action row). */
interface ButtonComponent {
  type: 2;
  custom_id?: string;
  label?: string;
  style?: number;
  disabled?: boolean;
}

interface ActionRow {
  type: 1;
  components: ButtonComponent[];
}

/** `components` of a create or edit body: action rows of buttons, checked as Discord does (≤ 5 rows of ≤ 5). */
export function validComponents(value: unknown): APIMessage['components'] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > 5)
    throw invalidFormBody('components', 'BASE_TYPE_BAD_LENGTH', 'Must be between 0 and 5 in length.');
  for (const row of value as ActionRow[]) {
    if (row?.type !== 1 || !Array.isArray(row.components) || row.components.length > 5)
      throw invalidFormBody('components', 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'Invalid action row.');
    for (const button of row.components) {
      if (button?.type !== 2 || (button.style !== 5 && !button.custom_id))
        throw invalidFormBody('components', 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED', 'A custom id is required');
    }
  }
  return value as APIMessage['components'];
}

/** The (enabled) button with this custom id on the message, if any. */
export function buttonOn(message: APIMessage, customId: string): ButtonComponent | undefined {
  const rows = (message.components ?? []) as unknown as ActionRow[];
  return rows.flatMap((row) => row.components).find((b) => b.custom_id === customId && b.disabled !== true);
}

export interface ButtonClickSpec {
  messageId: string;
  customId: string;
  user: APIUser;
}

/** The INTERACTION_CREATE body of a button press (type 3, MESSAGE_COMPONENT), in a guild channel or a DM. */
export function componentInteraction(
  world: World,
  record: InteractionRecord,
  message: APIMessage,
  spec: ButtonClickSpec,
) {
  const { channel, bot } = record;
  const guildId = channel.guildId;
  const joinedAt = guildId === undefined ? undefined : world.guilds.get(guildId)?.joinedAt;
  return {
    id: record.id,
    application_id: bot.applicationId,
    type: 3,
    token: record.token,
    version: 1,
    data: { custom_id: spec.customId, component_type: 2 },
    message,
    channel_id: channel.id,
    channel: channelObject(channel),
    ...(guildId === undefined
      ? { user: spec.user, context: 1 }
      : {
          guild_id: guildId,
          guild: { id: guildId, locale: 'en-US', features: [] },
          guild_locale: 'en-US',
          context: 0,
        }),
    ...(joinedAt === undefined
      ? {}
      : { member: { ...memberObject(joinedAt), user: spec.user, permissions: EVERYONE_PERMISSIONS } }),
    app_permissions: EVERYONE_PERMISSIONS,
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: guildId === undefined ? { '1': spec.user.id } : { '0': guildId },
    attachment_size_limit: 8 * 1024 * 1024,
  };
}
