import { IsNull, type DataSource } from 'typeorm';
import type { ConversationsReadStore } from '../../core/messages/types.js';
import type { ConversationRecovery, ConversationStore } from '../../core/voice/ports.js';
import { ConversationTurnEntity } from '../entities/conversation-turn.entity.js';
import { ConversationEntity } from '../entities/conversation.entity.js';
import { TakenMessageEntity } from '../entities/taken-message.entity.js';

export function createConversationStore(
  db: DataSource,
): ConversationStore & ConversationsReadStore & ConversationRecovery {
  const conversations = db.getRepository(ConversationEntity);
  const turns = db.getRepository(ConversationTurnEntity);
  const messages = db.getRepository(TakenMessageEntity);
  return {
    async createConversation(record) {
      await conversations.insert(record);
    },
    async updateConversation(id, patch) {
      await conversations.update({ id }, patch);
    },
    async addTurn(turn) {
      // json columns: the transformer serializes them; TypeORM's deep-partial type cannot see that.
      await turns.insert({ ...turn, toolCalls: turn.toolCalls as never, metrics: turn.metrics as never });
    },
    async addMessage(message) {
      await messages.insert(message);
    },
    async closeInterrupted(endedAt) {
      const open = await conversations.find({ where: { outcome: IsNull() } });
      for (const conversation of open) {
        const turnCount = await turns.countBy({ conversationId: conversation.id });
        await conversations.update({ id: conversation.id }, { outcome: 'interrupted', endedAt, turnCount });
      }
      return open.length;
    },
    async list(limit, offset) {
      const [items, total] = await conversations.findAndCount({
        order: { startedAt: 'DESC' },
        take: limit,
        skip: offset,
      });
      return { items, total };
    },
    findById: (id) => conversations.findOneBy({ id }),
    turns: (conversationId) => turns.find({ where: { conversationId }, order: { index: 'ASC' } }),
  };
}
