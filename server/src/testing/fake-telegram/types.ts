import type { MessageEntity } from 'grammy/types';

/** One request the fake received, whatever it answered. */
export interface RecordedCall {
  token: string;
  method: string;
  /** Decoded parameters: JSON as sent; form fields as strings, with JSON objects/arrays and integer ids decoded. */
  params: Record<string, unknown>;
  /** Uploaded multipart file parts by part name (grammY names them with the id in `attach://<id>`). */
  files: Record<string, Buffer>;
  /** Date.now() when the request arrived. */
  at: number;
  /** HTTP status the fake answered with; undefined while the request is open (or hanging). */
  status?: number;
}

/** What `failNext` makes a method answer instead of working. `reset` destroys the socket (a network error). */
export type InjectedFailure =
  { status: 429; retryAfter: number } | { status: 500 } | { status: 401 } | { hang: true } | { reset: true };

export type ChatType = 'private' | 'group' | 'supergroup';

export interface BotSpec {
  token: string;
  id?: number;
  username: string;
  firstName?: string;
}

export interface UserMessageSpec {
  chatId: number;
  from?: { id: number; firstName?: string; username?: string; languageCode?: string };
  text: string;
  chatType?: ChatType;
  /** true: reply to the bot's last message in the chat; a number: reply to that message id. */
  replyToBotMessage?: boolean | number;
  /** Default: bot_command, mention and url entities found in the text, as Telegram adds them. */
  entities?: MessageEntity[];
}

export interface UserVoiceSpec {
  chatId: number;
  from?: UserMessageSpec['from'];
  chatType?: ChatType;
  ogg: Buffer;
  /** Seconds, as in Telegram's Voice.duration. */
  duration: number;
  mimeType?: string;
  /** Reported size instead of the buffer's length (exercise the 20 MB getFile limit without allocating it). */
  fileSize?: number;
}

export interface UserPressSpec {
  chatId: number;
  from?: UserMessageSpec['from'];
  data: string;
  /** Message the button belongs to; default: the bot's last message in the chat. */
  messageId?: number;
}

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  bytes: Buffer;
  size: number;
  token: string;
}
