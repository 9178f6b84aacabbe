import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = fs.readFileSync(path.join(root, '.env.docker.example'), 'utf8');
const TOKEN = 'a-worker-token-of-32-characters!';

/** `docker compose` (v2) or `docker-compose` (v1, Debian's package, installed by .ci/run). */
function composeCommand(): string[] {
  const works = (cmd: string[]) => spawnSync(cmd[0]!, [...cmd.slice(1), 'version'], { encoding: 'utf8' }).status === 0;
  if (works(['docker', 'compose'])) return ['docker', 'compose'];
  if (works(['docker-compose'])) return ['docker-compose'];
  throw new Error('docker compose is needed to check the compose files: apt-get install docker-compose');
}

interface Service {
  environment?: Record<string, string>;
  command?: string[];
  depends_on?: unknown;
}

describe('the compose files, checked by docker compose against .env.docker.example (issue 18, item 7)', () => {
  let dir: string;
  let compose: string[];

  beforeAll(() => {
    compose = composeCommand();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secretary-compose-'));
    for (const file of ['docker-compose.yml', 'docker-compose.cpu.yml', 'Dockerfile'])
      fs.copyFileSync(path.join(root, file), path.join(dir, file));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** `config` with `.env` = the example (with `overrides`): the resolved file, or the refusal. */
  function config(file: string, overrides: Record<string, string> = {}) {
    let env = EXAMPLE;
    for (const [name, value] of Object.entries(overrides))
      env = env.replace(new RegExp(`^${name}=.*$`, 'm'), `${name}=${value}`);
    fs.writeFileSync(path.join(dir, '.env'), env);
    const result = spawnSync(compose[0]!, [...compose.slice(1), '-f', file, 'config'], { cwd: dir, encoding: 'utf8' });
    const services =
      result.status === 0 ? (parse(result.stdout) as { services: Record<string, Service> }).services : {};
    return { status: result.status, stderr: result.stderr, services };
  }

  it('the CPU file resolves with no variable left undefined', () => {
    const { status, stderr, services } = config('docker-compose.cpu.yml');
    expect(stderr).not.toMatch(/variable is not set/i);
    expect(status).toBe(0);
    expect(Object.keys(services).sort()).toEqual(['orchestrator', 'postgres']);
    expect(services.orchestrator!.environment!.DATABASE_URL).toMatch(/@postgres:5432\//);
  });

  it('the GPU file gives the dialling speech worker the orchestrator’s own token and address', () => {
    const { status, stderr, services } = config('docker-compose.yml', { SPEECH_WORKER_TOKEN: TOKEN });
    expect(stderr).not.toMatch(/variable is not set/i);
    expect(status).toBe(0);
    const worker = services['speech-worker']!.environment!;
    expect(worker.SPEECH_WORKER_TOKEN).toBe(TOKEN);
    expect(services.orchestrator!.environment!.SPEECH_WORKER_TOKEN).toBe(TOKEN);
    expect(worker.SPEECH_WORKER_URL).toBe('ws://orchestrator:8002/ws/workers');
    expect(services.orchestrator!.environment!.LLM_BASE_URL).toBe('http://vllm:8000/v1');
  });

  it('the GPU file refuses to start without SPEECH_WORKER_TOKEN, and says what to set', () => {
    const { status, stderr } = config('docker-compose.yml');
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/set SPEECH_WORKER_TOKEN in \.env/);
  });
});

describe('.env.docker.example documents every variable', () => {
  const documented = new Set([...EXAMPLE.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));

  it('every variable the server’s config reads', () => {
    const source = fs.readFileSync(path.join(root, 'server/src/config.ts'), 'utf8');
    const read = [...new Set([...source.matchAll(/\(env, '([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!))];
    expect(read.length).toBeGreaterThan(50);
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('every variable the compose files interpolate', () => {
    const used = ['docker-compose.yml', 'docker-compose.cpu.yml'].flatMap((file) =>
      [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !documented.has(name))).toEqual([]);
  });
});
