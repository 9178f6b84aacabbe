/** Money as people read it: `150 ⭐`, `499.00 ₽` (amounts in the currency's smallest unit). */
export function formatMoney(amount: number, currency: string): string {
  if (currency === 'XTR') return `${amount} ⭐`;
  const major = (amount / 100).toFixed(2);
  return currency === 'RUB' ? `${major} ₽` : `${major} ${currency}`;
}
