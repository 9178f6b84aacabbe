import type { DataSource } from 'typeorm';
import { GsmCallEntity, GsmSmsEntity } from '../entities/gsm.entity.js';
import { LlmUsageEntity } from '../entities/llm.entity.js';

export interface DayCounters {
  calls: number;
  sms: number;
  chats: number;
  tokens: number;
}

/** Counts for the dashboard: phone calls, SMS, chat replies (LLM and FAQ) and tokens since `from`. */
export function createDashboardStore(db: DataSource) {
  return {
    async countersSince(from: number): Promise<DayCounters> {
      const calls = db.getRepository(GsmCallEntity).createQueryBuilder('c').where('c.started_at >= :from', { from });
      const sms = db.getRepository(GsmSmsEntity).createQueryBuilder('s').where('s.created_at >= :from', { from });
      const usage = db
        .getRepository(LlmUsageEntity)
        .createQueryBuilder('u')
        .select(`SUM(CASE WHEN u.outcome IN ('ok', 'faq') THEN 1 ELSE 0 END)`, 'chats')
        .addSelect('COALESCE(SUM(u.prompt_tokens + u.completion_tokens), 0)', 'tokens')
        .where('u.at >= :from', { from });
      const [callCount, smsCount, totals] = await Promise.all([
        calls.getCount(),
        sms.getCount(),
        usage.getRawOne<{ chats: unknown; tokens: unknown }>(),
      ]);
      return {
        calls: callCount,
        sms: smsCount,
        chats: Number(totals?.chats ?? 0),
        tokens: Number(totals?.tokens ?? 0),
      };
    },
  };
}

export type DashboardStore = ReturnType<typeof createDashboardStore>;
