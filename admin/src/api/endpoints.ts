import type {
  FunnelAnalytics,
  FunnelDefinition,
  FunnelPreviewRequest,
  FunnelPreviewResponse,
  TelegramFunnelView,
  TelegramSubscriberQuery,
  PaymentList,
  PaymentListQuery,
  PaymentView,
  ApiKeyView,
  ContactEraseView,
  ContactExportView,
  RetentionRunView,
  RetentionSettingsView,
  CreateHttpToolRequest,
  CreateKnowledgeDocumentRequest,
  HttpToolCallView,
  HttpToolView,
  KnowledgeDocumentView,
  UpdateHttpToolRequest,
  UpdateKnowledgeDocumentRequest,
  CreateNotificationTargetRequest,
  NotificationDeliveryQuery,
  NotificationDeliveryView,
  NotificationTargetView,
  NotificationTestResult,
  UpdateNotificationTargetRequest,
  AuditEntryView,
  AuditQuery,
  ChangePasswordRequest,
  CreateApiKeyRequest,
  CreatedApiKey,
  CreateWidgetTokenRequest,
  UpdateWidgetTokenRequest,
  CreatedWidgetToken,
  CreateFaqRequest,
  CreatePersonaRequest,
  CreateProviderRequest,
  CreateUserRequest,
  FaqView,
  GsmAtResponse,
  GsmCallView,
  GsmDialRequest,
  GsmSendSmsRequest,
  GsmSmsView,
  GsmStatusView,
  ListQuery,
  MessageListQuery,
  PersonaView,
  ProviderView,
  SpeechVoiceList,
  SpeechWorkerList,
  TakenMessageView,
  TtsTestBody,
  TtsTestResult,
  UpdateFaqRequest,
  UpdatePersonaRequest,
  UpdateProviderRequest,
  ReadyResponse,
  SettingsView,
  UpdateSettingsRequest,
  SessionView,
  UpdateUserRequest,
  UserView,
  CreateLimitRequest,
  CreateTelegramBotRequest,
  CreateDiscordBotRequest,
  DiscordBotView,
  DiscordChannelView,
  DiscordGuildView,
  DiscordTurnView,
  UpdateDiscordBotRequest,
  UpdateDiscordChannelRequest,
  UpdateDiscordGuildRequest,
  ProcessLogs,
  TelegramBotView,
  TelegramChatView,
  TelegramSubscriberView,
  TelegramTurnView,
  UpdateTelegramBotRequest,
  ModelDownloadList,
  ModelDownloadView,
  SpeechModelList,
  SttTestBody,
  SttTestResult,
  LimitView,
  UsageLatency,
  UsageSeries,
  UsageSummary,
  WidgetTokenView,
} from '@ai-secretary/protocol';
import type { ApiClient } from './client.js';

export interface Page<T> {
  items: T[];
  total: number;
}
interface Ok {
  ok: true;
}
/**
 * The protocol's provider `type` union infers as `never` (a Type.Union over a mapped array), so the
 * request shape is restated with the literal list here; the server still validates it.
 */
export type NewProvider = Omit<CreateProviderRequest, 'type'> & {
  type: 'vllm' | 'openai' | 'gemini' | 'anthropic' | 'deepseek' | 'kimi' | 'openrouter' | 'custom';
};
/** Shapes of FaqTestResult and ProviderTestResult (protocol exports only their schemas). */
export interface KnowledgeDocumentDetail {
  document: KnowledgeDocumentView;
  text: string;
  passages: Array<{ id: string; position: number; heading: string; text: string }>;
}

export interface KnowledgeHit {
  passageId: string;
  documentId: string;
  title: string;
  source: string;
  version: number;
  heading: string;
  text: string;
  score: number;
}

export interface KnowledgeSearchAnswer {
  engine: string;
  minScore: number;
  hits: KnowledgeHit[];
}

export interface HttpToolTestAnswer {
  outcome: HttpToolCallView['outcome'];
  httpStatus: number | null;
  latencyMs: number;
  result: string;
}

export interface FaqTestResult {
  matched: boolean;
  id: string | null;
  score: number;
  question: string | null;
  answer: string | null;
}
export interface ProviderTestResult {
  ok: boolean;
  models: string[];
  latencyMs: number;
  error: string | null;
}

const id = (value: string) => encodeURIComponent(value);

/** A usage window ([from, to) as ISO strings; the server defaults to the last 30 days). */
export interface UsageWindow {
  from?: string;
  to?: string;
}
export type TelegramBotAction = 'start' | 'stop' | 'restart';
export type DiscordBotAction = TelegramBotAction;

export type UsageGroup = 'provider' | 'model' | 'route' | 'channel' | 'api_key' | 'instance';

/** Typed calls for every /api resource the panel uses; shapes come from @ai-secretary/protocol. */
export function createAdminApi(client: ApiClient) {
  return {
    auth: {
      me: () => client.request<UserView>('GET', '/api/auth/me'),
      changePassword: (body: ChangePasswordRequest) => client.request<Ok>('POST', '/api/auth/password', { body }),
    },
    users: {
      list: (query: ListQuery = {}) => client.request<Page<UserView>>('GET', '/api/users', { query }),
      create: (body: CreateUserRequest) => client.request<UserView>('POST', '/api/users', { body }),
      update: (userId: string, body: UpdateUserRequest) =>
        client.request<UserView>('PATCH', `/api/users/${id(userId)}`, { body }),
      setPassword: (userId: string, password: string) =>
        client.request<Ok>('POST', `/api/users/${id(userId)}/password`, { body: { password } }),
      remove: (userId: string) => client.request<Ok>('DELETE', `/api/users/${id(userId)}`),
    },
    sessions: {
      list: (userId?: string) =>
        client.request<{ items: SessionView[] }>('GET', '/api/sessions', { query: { userId } }),
      revoke: (sessionId: string) => client.request<SessionView>('DELETE', `/api/sessions/${id(sessionId)}`),
    },
    apiKeys: {
      list: () => client.request<{ items: ApiKeyView[] }>('GET', '/api/api-keys'),
      create: (body: CreateApiKeyRequest) => client.request<CreatedApiKey>('POST', '/api/api-keys', { body }),
      revoke: (keyId: string) => client.request<ApiKeyView>('DELETE', `/api/api-keys/${id(keyId)}`),
    },
    widgetTokens: {
      list: () => client.request<{ items: WidgetTokenView[] }>('GET', '/api/widget-tokens'),
      create: (body: CreateWidgetTokenRequest) =>
        client.request<CreatedWidgetToken>('POST', '/api/widget-tokens', { body }),
      revoke: (tokenId: string) => client.request<WidgetTokenView>('DELETE', `/api/widget-tokens/${id(tokenId)}`),
      update: (tokenId: string, body: UpdateWidgetTokenRequest) =>
        client.request<WidgetTokenView>('PATCH', `/api/widget-tokens/${id(tokenId)}`, { body }),
    },
    knowledge: {
      list: () => client.request<{ items: KnowledgeDocumentView[] }>('GET', '/api/knowledge/documents'),
      get: (docId: string) => client.request<KnowledgeDocumentDetail>('GET', `/api/knowledge/documents/${id(docId)}`),
      create: (body: CreateKnowledgeDocumentRequest) =>
        client.request<KnowledgeDocumentView>('POST', '/api/knowledge/documents', { body }),
      upload: (body: FormData) =>
        client.request<KnowledgeDocumentView>('POST', '/api/knowledge/documents/upload', { body }),
      fromUrl: (body: { url: string; title?: string }) =>
        client.request<KnowledgeDocumentView>('POST', '/api/knowledge/documents/url', { body }),
      update: (docId: string, body: UpdateKnowledgeDocumentRequest) =>
        client.request<KnowledgeDocumentView>('PATCH', `/api/knowledge/documents/${id(docId)}`, { body }),
      reindex: (docId: string) =>
        client.request<KnowledgeDocumentView>('POST', `/api/knowledge/documents/${id(docId)}/reindex`),
      remove: (docId: string) =>
        client.request<KnowledgeDocumentView>('DELETE', `/api/knowledge/documents/${id(docId)}`),
      search: (q: string) => client.request<KnowledgeSearchAnswer>('GET', '/api/knowledge/search', { query: { q } }),
    },
    tools: {
      list: () => client.request<{ items: HttpToolView[] }>('GET', '/api/tools'),
      create: (body: CreateHttpToolRequest) => client.request<HttpToolView>('POST', '/api/tools', { body }),
      update: (toolId: string, body: UpdateHttpToolRequest) =>
        client.request<HttpToolView>('PATCH', `/api/tools/${id(toolId)}`, { body }),
      remove: (toolId: string) => client.request<HttpToolView>('DELETE', `/api/tools/${id(toolId)}`),
      test: (toolId: string, args: Record<string, unknown>) =>
        client.request<HttpToolTestAnswer>('POST', `/api/tools/${id(toolId)}/test`, { body: { arguments: args } }),
      calls: (toolId: string) => client.request<{ items: HttpToolCallView[] }>('GET', `/api/tools/${id(toolId)}/calls`),
    },
    audit: {
      list: (query: AuditQuery = {}) => client.request<Page<AuditEntryView>>('GET', '/api/audit', { query }),
    },
    faq: {
      list: () => client.request<{ items: FaqView[] }>('GET', '/api/llm/faq'),
      create: (body: CreateFaqRequest) => client.request<FaqView>('POST', '/api/llm/faq', { body }),
      update: (faqId: string, body: UpdateFaqRequest) =>
        client.request<FaqView>('PATCH', `/api/llm/faq/${id(faqId)}`, { body }),
      remove: (faqId: string) => client.request<Ok>('DELETE', `/api/llm/faq/${id(faqId)}`),
      test: (text: string) => client.request<FaqTestResult>('POST', '/api/llm/faq/test', { body: { text } }),
    },
    providers: {
      list: () => client.request<{ items: ProviderView[]; outboundAllow: string[] }>('GET', '/api/llm/providers'),
      create: (body: NewProvider) => client.request<ProviderView>('POST', '/api/llm/providers', { body }),
      update: (providerId: string, body: UpdateProviderRequest) =>
        client.request<ProviderView>('PATCH', `/api/llm/providers/${id(providerId)}`, { body }),
      remove: (providerId: string) => client.request<Ok>('DELETE', `/api/llm/providers/${id(providerId)}`),
      order: (ids: string[]) => client.request<unknown>('POST', '/api/llm/providers/order', { body: { ids } }),
      test: (providerId: string) =>
        client.request<ProviderTestResult>('POST', `/api/llm/providers/${id(providerId)}/test`),
    },
    personas: {
      list: () => client.request<{ items: PersonaView[] }>('GET', '/api/llm/personas'),
      create: (body: CreatePersonaRequest) => client.request<PersonaView>('POST', '/api/llm/personas', { body }),
      update: (personaId: string, body: UpdatePersonaRequest) =>
        client.request<PersonaView>('PATCH', `/api/llm/personas/${id(personaId)}`, { body }),
    },
    messages: {
      list: (query: MessageListQuery = {}) => client.request<Page<TakenMessageView>>('GET', '/api/messages', { query }),
      markHandled: (messageId: string) =>
        client.request<TakenMessageView>('POST', `/api/messages/${id(messageId)}/handled`),
    },
    gsm: {
      status: () => client.request<GsmStatusView>('GET', '/api/gsm/status'),
      calls: (query: ListQuery = {}) => client.request<Page<GsmCallView>>('GET', '/api/gsm/calls', { query }),
      sms: (query: ListQuery = {}) => client.request<Page<GsmSmsView>>('GET', '/api/gsm/sms', { query }),
      sendSms: (body: GsmSendSmsRequest) => client.request<GsmSmsView>('POST', '/api/gsm/sms', { body }),
      call: (callId: string) => client.request<GsmCallView>('GET', `/api/gsm/calls/${id(callId)}`),
      dial: (body: GsmDialRequest) => client.request<GsmCallView>('POST', '/api/gsm/calls', { body }),
      hangup: (callId: string) => client.request<Ok>('POST', `/api/gsm/calls/${id(callId)}/hangup`),
      answer: (callId: string) => client.request<Ok>('POST', `/api/gsm/calls/${id(callId)}/answer`),
      dtmf: (callId: string, digits: string) =>
        client.request<Ok>('POST', `/api/gsm/calls/${id(callId)}/dtmf`, { body: { digits } }),
      /** A call recording (WAV) fetched with the session's token, for a blob: URL. */
      recording: async (callId: string, side: 'caller' | 'secretary') => {
        const query = { side };
        return (await client.stream('GET', `/api/gsm/calls/${id(callId)}/recording`, { query })).blob();
      },
      at: (command: string) => client.request<GsmAtResponse>('POST', '/api/gsm/at', { body: { command } }),
    },
    settings: {
      get: () => client.request<SettingsView>('GET', '/api/settings'),
      update: (body: UpdateSettingsRequest) => client.request<SettingsView>('PUT', '/api/settings', { body }),
    },
    speech: {
      workers: () => client.request<SpeechWorkerList>('GET', '/api/speech/workers'),
      restart: (workerId: string) => client.request<Ok>('POST', `/api/speech/workers/${id(workerId)}/restart`),
      voices: () => client.request<SpeechVoiceList>('GET', '/api/speech/voices'),
      say: (body: TtsTestBody) => client.request<TtsTestResult>('POST', '/api/speech/test/tts', { body }),
      transcribe: (body: SttTestBody) => client.request<SttTestResult>('POST', '/api/speech/test/stt', { body }),
      models: (verify = false) =>
        client.request<SpeechModelList>('GET', '/api/speech/models', { query: { verify: verify || undefined } }),
      download: (name: string) => client.request<ModelDownloadView>('POST', `/api/speech/models/${id(name)}/download`),
      downloads: () => client.request<ModelDownloadList>('GET', '/api/speech/models/downloads'),
    },
    usage: {
      summary: (query: UsageWindow & { groupBy?: UsageGroup } = {}) =>
        client.request<UsageSummary>('GET', '/api/usage', { query: { ...query } }),
      series: (query: UsageWindow & { bucket?: 'hour' | 'day'; groupBy?: 'provider' } = {}) =>
        client.request<UsageSeries>('GET', '/api/usage/series', { query: { ...query } }),
      latency: (query: UsageWindow = {}) =>
        client.request<UsageLatency>('GET', '/api/usage/latency', { query: { ...query } }),
    },
    telegram: {
      list: () => client.request<{ items: TelegramBotView[] }>('GET', '/api/telegram/bots'),
      create: (body: CreateTelegramBotRequest) =>
        client.request<TelegramBotView>('POST', '/api/telegram/bots', { body }),
      get: (botId: string) => client.request<TelegramBotView>('GET', `/api/telegram/bots/${id(botId)}`),
      update: (botId: string, body: UpdateTelegramBotRequest) =>
        client.request<TelegramBotView>('PATCH', `/api/telegram/bots/${id(botId)}`, { body }),
      remove: (botId: string) => client.request<TelegramBotView>('DELETE', `/api/telegram/bots/${id(botId)}`),
      act: (botId: string, action: TelegramBotAction) =>
        client.request<TelegramBotView>('POST', `/api/telegram/bots/${id(botId)}/${action}`),
      logs: (botId: string) => client.request<ProcessLogs>('GET', `/api/telegram/bots/${id(botId)}/logs`),
      chats: (botId: string) =>
        client.request<{ items: TelegramChatView[] }>('GET', `/api/telegram/bots/${id(botId)}/chats`),
      turns: (botId: string, chatId: number) =>
        client.request<{ items: TelegramTurnView[] }>(
          'GET',
          `/api/telegram/bots/${id(botId)}/chats/${id(String(chatId))}`,
        ),
      subscribers: (botId: string, query: TelegramSubscriberQuery = {}) =>
        client.request<{ items: TelegramSubscriberView[] }>('GET', `/api/telegram/bots/${id(botId)}/subscribers`, {
          query: { ...query },
        }),
      funnel: (botId: string) => client.request<TelegramFunnelView>('GET', `/api/telegram/bots/${id(botId)}/funnel`),
      saveFunnel: (botId: string, definition: FunnelDefinition) =>
        client.request<TelegramFunnelView>('PUT', `/api/telegram/bots/${id(botId)}/funnel`, { body: { definition } }),
      publishFunnel: (botId: string) =>
        client.request<TelegramFunnelView>('POST', `/api/telegram/bots/${id(botId)}/funnel/publish`),
      previewFunnel: (botId: string, body: FunnelPreviewRequest) =>
        client.request<FunnelPreviewResponse>('POST', `/api/telegram/bots/${id(botId)}/funnel/preview`, { body }),
      funnelAnalytics: (botId: string) =>
        client.request<FunnelAnalytics>('GET', `/api/telegram/bots/${id(botId)}/funnel/analytics`),
      /** The subscribers as CSV, fetched with the session's token (for a download link). */
      subscribersCsv: async (botId: string) =>
        (await client.stream('GET', `/api/telegram/bots/${id(botId)}/subscribers.csv`)).blob(),
      /** A user's voice note (OGG/Opus) at the turn's `audioUrl`, fetched with the session's token, for a blob: URL. */
      audio: async (audioUrl: string) => (await client.stream('GET', audioUrl)).blob(),
    },
    discord: {
      list: () => client.request<{ items: DiscordBotView[] }>('GET', '/api/discord/bots'),
      create: (body: CreateDiscordBotRequest) => client.request<DiscordBotView>('POST', '/api/discord/bots', { body }),
      get: (botId: string) => client.request<DiscordBotView>('GET', `/api/discord/bots/${id(botId)}`),
      update: (botId: string, body: UpdateDiscordBotRequest) =>
        client.request<DiscordBotView>('PATCH', `/api/discord/bots/${id(botId)}`, { body }),
      remove: (botId: string) => client.request<DiscordBotView>('DELETE', `/api/discord/bots/${id(botId)}`),
      act: (botId: string, action: DiscordBotAction) =>
        client.request<DiscordBotView>('POST', `/api/discord/bots/${id(botId)}/${action}`),
      logs: (botId: string) => client.request<ProcessLogs>('GET', `/api/discord/bots/${id(botId)}/logs`),
      channels: (botId: string) =>
        client.request<{ items: DiscordChannelView[] }>('GET', `/api/discord/bots/${id(botId)}/channels`),
      turns: (botId: string, channelId: string) =>
        client.request<{ items: DiscordTurnView[] }>('GET', `/api/discord/bots/${id(botId)}/channels/${id(channelId)}`),
      /** Per-server settings and usage, once the server has them: a 404 means this server has no such API yet. */
      guilds: (botId: string) =>
        client.request<{ items: DiscordGuildView[] }>('GET', `/api/discord/bots/${id(botId)}/guilds`),
      updateGuild: (botId: string, guildId: string, body: UpdateDiscordGuildRequest) =>
        client.request<DiscordGuildView>('PATCH', `/api/discord/bots/${id(botId)}/guilds/${id(guildId)}`, { body }),
      updateChannel: (botId: string, guildId: string, channelId: string, body: UpdateDiscordChannelRequest) =>
        client.request<DiscordGuildView>(
          'PATCH',
          `/api/discord/bots/${id(botId)}/guilds/${id(guildId)}/channels/${id(channelId)}`,
          { body },
        ),
    },
    payments: {
      list: (query: PaymentListQuery = {}) =>
        client.request<PaymentList>('GET', '/api/telegram/payments', { query: { ...query } }),
      refund: (paymentId: string) =>
        client.request<PaymentView>('POST', `/api/telegram/payments/${id(paymentId)}/refund`),
    },
    notifications: {
      list: () => client.request<{ items: NotificationTargetView[] }>('GET', '/api/notifications/targets'),
      create: (body: CreateNotificationTargetRequest) =>
        client.request<NotificationTargetView>('POST', '/api/notifications/targets', { body }),
      update: (targetId: string, body: UpdateNotificationTargetRequest) =>
        client.request<NotificationTargetView>('PATCH', `/api/notifications/targets/${id(targetId)}`, { body }),
      remove: (targetId: string) =>
        client.request<NotificationTargetView>('DELETE', `/api/notifications/targets/${id(targetId)}`),
      test: (targetId: string) =>
        client.request<NotificationTestResult>('POST', `/api/notifications/targets/${id(targetId)}/test`),
      deliveries: (query: NotificationDeliveryQuery = {}) =>
        client.request<Page<NotificationDeliveryView>>('GET', '/api/notifications/deliveries', { query: { ...query } }),
    },
    privacy: {
      retention: () => client.request<RetentionSettingsView>('GET', '/api/privacy/retention'),
      setRetention: (body: RetentionSettingsView) =>
        client.request<RetentionSettingsView>('PUT', '/api/privacy/retention', { body }),
      runRetention: () => client.request<RetentionRunView>('POST', '/api/privacy/retention/run'),
      exportContact: (kind: string, contactId: string) =>
        client.request<ContactExportView>('GET', `/api/privacy/contacts/${id(kind)}/${id(contactId)}/export`),
      eraseContact: (kind: string, contactId: string) =>
        client.request<ContactEraseView>('DELETE', `/api/privacy/contacts/${id(kind)}/${id(contactId)}`),
    },
    limits: {
      list: () => client.request<{ items: LimitView[] }>('GET', '/api/llm/limits'),
      create: (body: CreateLimitRequest) => client.request<LimitView>('POST', '/api/llm/limits', { body }),
      remove: (limitId: string) => client.request<Ok>('DELETE', `/api/llm/limits/${id(limitId)}`),
    },
    v1: {
      /** What a chat may name in `model` (personas, auto, provider models). */
      models: () => client.request<{ data: Array<{ id: string }> }>('GET', '/v1/models'),
    },
    system: {
      /** /ready answers 503 with the same body when a component is down: still a reading. */
      ready: () => client.request<ReadyResponse>('GET', '/ready', { auth: false, okStatuses: [503] }),
    },
  };
}

export type AdminApi = ReturnType<typeof createAdminApi>;
