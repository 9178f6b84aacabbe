import type { APIMessage, APIUser } from 'discord-api-types/v10';
import { userWithMember } from './payloads.js';
import type { ChannelRecord, World } from './world.js';

export const MAX_CONTENT_LENGTH = 2000;

/** What `allowed_mentions` lets a message ping; absent means everything it names. */
export interface AllowedMentions {
  parse?: string[];
  users?: string[];
  replied_user?: boolean;
}

export interface NewMessage {
  channel: ChannelRecord;
  author: APIUser;
  content: string;
  reference?: APIMessage;
  allowedMentions?: AllowedMentions;
  nonce?: string | number;
}

const USER_MENTION = /<@!?(\d+)>/g;

/** A stored message as Discord builds it: mentions resolved from the content, reply references, member data. */
export function createMessage(world: World, spec: NewMessage): APIMessage {
  const guildId = spec.channel.guildId;
  const joinedAt = guildId === undefined ? undefined : world.guilds.get(guildId)?.joinedAt;
  const message = {
    id: world.ids.next(),
    channel_id: spec.channel.id,
    ...(guildId === undefined ? {} : { guild_id: guildId, member: userWithMember(spec.author, joinedAt).member }),
    author: spec.author,
    content: spec.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: mentionsEveryone(spec.content, spec.allowedMentions),
    mentions: mentionedUsers(world, spec).map((user) => userWithMember(user, joinedAt)),
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: spec.reference ? 19 : 0,
    flags: 0,
    components: [],
    ...(spec.nonce === undefined ? {} : { nonce: spec.nonce }),
    ...referenceFields(spec),
  } as APIMessage;
  spec.channel.messages.push(message);
  return message;
}

function referenceFields(spec: NewMessage): Partial<APIMessage> {
  if (!spec.reference) return {};
  const reference = spec.reference;
  return {
    message_reference: {
      type: 0,
      message_id: reference.id,
      channel_id: reference.channel_id,
      ...(spec.channel.guildId === undefined ? {} : { guild_id: spec.channel.guildId }),
    },
    referenced_message: reference,
  };
}

function mentionedUsers(world: World, spec: NewMessage): APIUser[] {
  const named = [...spec.content.matchAll(USER_MENTION)].map((match) => match[1]!);
  const allowed = spec.allowedMentions;
  const pinged = named.filter(
    (id) => allowed === undefined || allowed.parse?.includes('users') === true || allowed.users?.includes(id) === true,
  );
  const repliedTo = spec.reference?.author;
  const pingReplied = repliedTo !== undefined && (allowed === undefined || allowed.replied_user !== false);
  const ids = new Set([...pinged, ...(pingReplied && repliedTo.id !== spec.author.id ? [repliedTo.id] : [])]);
  return [...ids].flatMap((id) => {
    const user = world.users.get(id);
    return user ? [user] : [];
  });
}

function mentionsEveryone(content: string, allowed: AllowedMentions | undefined): boolean {
  if (!/@(everyone|here)\b/.test(content)) return false;
  return allowed === undefined || allowed.parse?.includes('everyone') === true;
}

/** The message as a bot sees it without the MESSAGE_CONTENT intent: content, embeds, attachments, components emptied. */
export function withoutContent(message: APIMessage): APIMessage {
  return { ...message, content: '', embeds: [], attachments: [], components: [] };
}
