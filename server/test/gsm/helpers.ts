/** Polls until `check` returns a truthy value (state-based waiting, not a timing assertion). */
export async function until<T>(
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const CYRILLIC_LONG =
  'Здравствуйте! Это длинное сообщение на русском языке, которое не помещается в одну SMS, ' +
  'поэтому модем разбивает его на несколько частей с общей ссылкой. Спасибо, до свидания!';
