import { ApiKeyEntity } from './api-key.entity.js';
import { AuditEntryEntity } from './audit-entry.entity.js';
import { GsmCallEntity, GsmSmsEntity, GsmSmsPartEntity } from './gsm.entity.js';
import { MetaEntity } from './meta.entity.js';
import { LoginFailureEntity } from './login-failure.entity.js';
import { RetiredRefreshTokenEntity, SessionEntity } from './session.entity.js';
import { UserEntity } from './user.entity.js';
import { LLM_ENTITIES } from './llm.entity.js';
import { ConversationEntity } from './conversation.entity.js';
import { ConversationTurnEntity } from './conversation-turn.entity.js';
import { TakenMessageEntity } from './taken-message.entity.js';
import { WebhookEntity } from './webhook.entity.js';
import { BusinessSettingsEntity } from './settings.entity.js';
import { WidgetTokenEntity } from './widget-token.entity.js';
import { TELEGRAM_ENTITIES } from './telegram.entity.js';
import { TELEGRAM_FUNNEL_ENTITIES } from './telegram-funnel.entity.js';
import { DISCORD_ENTITIES } from './discord.entity.js';
import { DISCORD_GUILD_ENTITIES } from './discord-guild.entity.js';
import { OwnerCommandEntity } from './owner-command.entity.js';
import { KNOWLEDGE_ENTITIES } from './knowledge.entity.js';
import { HTTP_TOOL_ENTITIES } from './http-tool.entity.js';
import { NOTIFICATION_ENTITIES } from './notification.entity.js';
import { PAYMENT_ENTITIES } from './payment.entity.js';
import { JobEntity } from './job.entity.js';
import { TELEGRAM_OUTREACH_ENTITIES } from './telegram-outreach.entity.js';

/** Every entity; later modules append theirs here. */
export const ENTITIES = [
  UserEntity,
  SessionEntity,
  RetiredRefreshTokenEntity,
  LoginFailureEntity,
  ApiKeyEntity,
  AuditEntryEntity,
  MetaEntity,
  ...LLM_ENTITIES,
  GsmCallEntity,
  GsmSmsEntity,
  GsmSmsPartEntity,
  ConversationEntity,
  ConversationTurnEntity,
  TakenMessageEntity,
  WebhookEntity,
  BusinessSettingsEntity,
  WidgetTokenEntity,
  ...TELEGRAM_ENTITIES,
  ...DISCORD_ENTITIES,
  ...DISCORD_GUILD_ENTITIES,
  OwnerCommandEntity,
  ...KNOWLEDGE_ENTITIES,
  ...NOTIFICATION_ENTITIES,
  ...HTTP_TOOL_ENTITIES,
  ...TELEGRAM_FUNNEL_ENTITIES,
  ...PAYMENT_ENTITIES,
  JobEntity,
  ...TELEGRAM_OUTREACH_ENTITIES,
];

export { GsmCallEntity, GsmSmsEntity, GsmSmsPartEntity };
export { ApiKeyEntity, AuditEntryEntity, MetaEntity, SessionEntity, UserEntity };
export { ConversationEntity, ConversationTurnEntity, TakenMessageEntity, WebhookEntity };
