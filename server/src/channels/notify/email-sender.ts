import nodemailer from 'nodemailer';
import type { NoticeSender } from '../../core/notifications/types.js';

/** E-mail over SMTP with nodemailer: implicit TLS, required STARTTLS, or plain (local relays, tests). */
export function createEmailSender(options: { timeoutMs: number }): NoticeSender {
  return async (target, password, notice) => {
    if (target.settings.kind !== 'email') throw new Error('not an e-mail target');
    const s = target.settings;
    const transport = nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.tls === 'tls',
      requireTLS: s.tls === 'starttls',
      ignoreTLS: s.tls === 'none',
      ...(s.user ? { auth: { user: s.user, pass: password ?? '' } } : {}),
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
    try {
      await transport.sendMail({ from: s.from, to: s.to, subject: notice.title, text: notice.body });
    } finally {
      transport.close();
    }
  };
}
