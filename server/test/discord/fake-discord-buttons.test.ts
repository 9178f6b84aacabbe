import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  type ButtonInteraction,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../src/testing/fake-discord/index.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-token';
const BOT_ID = '111111111111111111';
const GUILD = '222222222222222222';
const GENERAL = '333333333333333333';
const ALICE = { id: '444444444444444444', username: 'alice' };

let fake: FakeDiscord;
let client: Client<true>;

beforeEach(async () => {
  fake = new FakeDiscord({ heartbeatIntervalMs: 1000 });
  const { restRoot } = await fake.start();
  fake.addBot({ token: TOKEN, id: BOT_ID, username: 'secretary' });
  fake.addGuild({ id: GUILD, name: 'Test Server', channels: [{ id: GENERAL, name: 'general', type: 0 }] });
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
  const c = new Client({ intents, partials: [Partials.Channel], rest: { api: restRoot } });
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  await c.login(TOKEN);
  await ready;
  client = c as Client<true>;
});

afterEach(async () => {
  await client.destroy();
  await fake.close();
});

const row = () =>
  new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId('yes').setLabel('Yes').setStyle(ButtonStyle.Success),
    new ButtonBuilder().setCustomId('no').setLabel('No').setStyle(ButtonStyle.Secondary),
  );

/** The bot posts a message with two buttons in `channelId` and returns its id. */
async function postWithButtons(channelId: string): Promise<string> {
  const channel = await client.channels.fetch(channelId);
  if (!channel?.isSendable()) throw new Error('not sendable');
  return (await channel.send({ content: 'Proceed?', components: [row()] })).id;
}

function nextButton(handle: (interaction: ButtonInteraction) => Promise<unknown>) {
  return new Promise<ButtonInteraction>((resolve, reject) => {
    client.once(Events.InteractionCreate, (interaction) => {
      if (!interaction.isButton()) return reject(new Error('not a button'));
      handle(interaction).then(() => resolve(interaction), reject);
    });
  });
}

describe('FakeDiscord message components (buttons) with the real discord.js', () => {
  it('stores the buttons on the message; a press arrives as a ButtonInteraction that update() edits', async () => {
    const messageId = await postWithButtons(GENERAL);
    const stored = fake.messagesIn(GENERAL).find((m) => m.id === messageId)!;
    expect(stored.components).toMatchObject([
      {
        type: 1,
        components: [
          { type: 2, custom_id: 'yes', label: 'Yes' },
          { type: 2, custom_id: 'no', label: 'No' },
        ],
      },
    ]);
    const pressed = nextButton((i) => i.update({ content: 'Done.', components: [] }));
    const record = fake.userClicksButton({ messageId, customId: 'yes', user: ALICE });
    const interaction = await pressed;
    expect(interaction.customId).toBe('yes');
    expect(interaction.user.id).toBe(ALICE.id);
    expect(interaction.message.id).toBe(messageId);
    expect(record.response).toBe(7);
    expect(stored.content).toBe('Done.');
    expect(stored.components).toEqual([]);
  });

  it('deferUpdate() then editReply() edits the pressed message; followUp() can be ephemeral', async () => {
    const channelId = fake.dmChannelId(ALICE.id);
    const messageId = await postWithButtons(channelId);
    const pressed = nextButton(async (i) => {
      await i.deferUpdate();
      await i.editReply({ content: 'Later edit.', components: [] });
      await i.followUp({ content: 'Only you see this.', flags: MessageFlags.Ephemeral });
    });
    const record = fake.userClicksButton({ messageId, customId: 'no', user: ALICE });
    await pressed;
    expect(record.response).toBe(6);
    const stored = fake.historyOf(channelId).find((m) => m.id === messageId)!;
    expect(stored).toMatchObject({ content: 'Later edit.', components: [] });
    expect(record.followUps.map((m) => m.content)).toEqual(['Only you see this.']);
    expect(fake.historyOf(channelId).map((m) => m.content)).not.toContain('Only you see this.');
  });

  it('a press is acknowledged once (a second callback is refused), and only buttons on the message can be pressed', async () => {
    const messageId = await postWithButtons(GENERAL);
    const pressed = nextButton(async (i) => {
      await i.reply({ content: 'Noted.', flags: MessageFlags.Ephemeral });
      await expect(i.deferUpdate()).rejects.toThrow();
    });
    fake.userClicksButton({ messageId, customId: 'yes', user: ALICE });
    await pressed;
    expect(() => fake.userClicksButton({ messageId, customId: 'maybe', user: ALICE })).toThrow(/no button/);
  });
});
