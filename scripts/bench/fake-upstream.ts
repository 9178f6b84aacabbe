// Starts the fake OpenAI-compatible upstream in its own process and prints its base URL.
import { createFakeLlm } from '../../server/src/testing/fake-llm.js';

const tokens = Array.from({ length: Number(process.env.FAKE_TOKENS ?? 16) }, (_, i) => ` tok${i}`);
const fake = await createFakeLlm({ tokens, tokenDelayMs: Number(process.env.FAKE_TOKEN_DELAY_MS ?? 0) });
process.stdout.write(`${fake.url}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
