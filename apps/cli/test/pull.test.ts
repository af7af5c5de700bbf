import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureModel } from '@nucleus/gpt2-onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from './support/run-cli.js';

const REPO = 'nucleus-test/tiny';
const COMMIT = 'c0ffee0000000000000000000000000000000000';

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const file = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(dir, file) : [file];
  });
}

/** A local server in the Hugging Face hub's URL layout, serving one model folder as `nucleus-test/tiny`. */
function serveHub(modelDir: string): Promise<{ server: Server; endpoint: string; requests: string[] }> {
  const files = listFiles(modelDir);
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push(`${request.method} ${path}`);
    if (path === `/api/models/${REPO}/revision/main` || path === `/api/models/${REPO}/revision/${COMMIT}`) {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ sha: COMMIT, siblings: files.map((rfilename) => ({ rfilename })) }));
      return;
    }
    const match = new RegExp(`^/${REPO}/resolve/[^/]+/(.+)$`).exec(path);
    if (!match || !files.includes(decodeURIComponent(match[1]!))) {
      response.writeHead(404, { 'x-error-code': match ? 'EntryNotFound' : 'RepoNotFound' });
      response.end('not found');
      return;
    }
    const bytes = readFileSync(join(modelDir, decodeURIComponent(match[1]!)));
    response.writeHead(200, {
      'x-repo-commit': COMMIT,
      etag: `"${createHash('sha256').update(bytes).digest('hex')}"`,
      'content-length': String(bytes.byteLength),
    });
    response.end(request.method === 'HEAD' ? undefined : bytes);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, endpoint: `http://127.0.0.1:${port}`, requests });
    });
  });
}

let hub: Awaited<ReturnType<typeof serveHub>>;
let scratch: string;

beforeAll(async () => {
  hub = await serveHub(await ensureModel('tiny'));
  scratch = mkdtempSync(join(tmpdir(), 'nucleus-cli-pull-'));
});

afterAll(async () => {
  await new Promise((resolve) => hub.server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

describe('pull', () => {
  it('downloads a hub model into the hub cache, which generate then uses offline', async () => {
    const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(scratch, 'hub'), HF_TOKEN: undefined };
    const pulled = await runCli(['pull', REPO], { env });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain(`${REPO}@c0ffee00`);
    expect(hub.requests).toContain(`GET /${REPO}/resolve/${COMMIT}/onnx/model.onnx`);
    const snapshot = join(scratch, 'hub', 'models--nucleus-test--tiny', 'snapshots', COMMIT);
    expect(listFiles(snapshot)).toEqual(
      expect.arrayContaining(['config.json', 'tokenizer.json', 'onnx/model.onnx']),
    );

    const offline = await runCli(['generate', 'Hello', '--model', REPO, '--max-new-tokens', '3', '--json'], {
      env: { ...env, HF_HUB_OFFLINE: '1' },
    });
    expect(parseJson<{ sequences: { tokenIds: number[] }[] }>(offline).sequences[0]!.tokenIds).toHaveLength(
      1 + 3,
    );

    const listed = await runCli(['models', '--json'], { env });
    expect(parseJson<{ models: { id: string }[] }>(listed).models.map((model) => model.id)).toContain(REPO);
  });

  it('a repository the hub does not have fails with exit code 1 and one line naming it', async () => {
    const run = await runCli(['pull', 'nucleus-test/missing'], {
      env: { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(scratch, 'hub2') },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nucleus-test/missing');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
