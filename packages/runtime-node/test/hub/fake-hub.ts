import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One file of a served repository. LFS files are answered with a 302 to the CDN server, as the hub does. */
export interface FakeFile {
  content: Uint8Array;
  lfs?: boolean;
}

/** A repository served by {@link FakeHub}: files per commit, and branches pointing at commits. */
export interface FakeRepo {
  commits: Record<string, Record<string, FakeFile>>;
  branches: Record<string, string>;
}

/** What the servers saw. */
export interface SeenRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range: string | undefined;
  authorization: string | undefined;
}

/**
 * A local imitation of the Hugging Face hub on 127.0.0.1: `/{repo}/resolve/{revision}/{path}` with the hub's
 * headers (`X-Repo-Commit`, `ETag`, `X-Linked-Etag`, `X-Linked-Size`, `X-Error-Code`), LFS files redirected
 * to a second server (another origin, like the hub's CDN), `/api/models/{repo}/revision/{rev}`, byte ranges,
 * and switches for failures.
 */
export class FakeHub {
  readonly repos = new Map<string, FakeRepo>();
  /** Old repo id -> new repo id: answered with a relative 307, as for a renamed repository. */
  readonly renamed = new Map<string, string>();
  readonly seen: SeenRequest[] = [];
  /** When set, hub requests need `Authorization: Bearer <requiredToken>` (the CDN never does). */
  requiredToken: string | undefined;
  /** The next GET of this file's bytes sends `afterBytes` of the body, then the socket is destroyed. */
  cutNext: { path: string; afterBytes: number } | undefined;
  /** The next GET of this file's bytes sends `afterBytes`, then waits until the client goes away. */
  stallNext: { path: string; afterBytes: number } | undefined;
  /** Answer Range requests with the whole file (200), as some servers do. */
  ignoreRange = false;
  /** Serve these bytes instead of the real content for a path (a corrupted transfer). */
  readonly corrupt = new Map<string, Uint8Array>();

  private readonly sockets = new Set<Socket>();
  private hubServer!: Server;
  private cdnServer!: Server;
  hubUrl = '';
  cdnUrl = '';

  static async start(): Promise<FakeHub> {
    const hub = new FakeHub();
    hub.hubServer = await hub.listen((req, res) => hub.handleHub(req, res));
    hub.cdnServer = await hub.listen((req, res) => hub.handleCdn(req, res));
    hub.hubUrl = `http://127.0.0.1:${(hub.hubServer.address() as AddressInfo).port}`;
    hub.cdnUrl = `http://127.0.0.1:${(hub.cdnServer.address() as AddressInfo).port}`;
    return hub;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([this.hubServer, this.cdnServer].map((server) => closeServer(server)));
  }

  /** Points a branch of a served repository at another commit (a push). */
  moveBranch(repoId: string, branch: string, commit: string): void {
    const repo = this.repos.get(repoId)!;
    repo.branches = { ...repo.branches, [branch]: commit };
  }

  /** Clears the request log and the switches between tests. */
  reset(): void {
    this.seen.length = 0;
    this.requiredToken = undefined;
    this.cutNext = undefined;
    this.stallNext = undefined;
    this.ignoreRange = false;
    this.corrupt.clear();
  }

  requests(filter: Partial<SeenRequest> = {}): SeenRequest[] {
    return this.seen.filter((request) =>
      Object.entries(filter).every(([key, value]) => request[key as keyof SeenRequest] === value),
    );
  }

  private listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
    const server = createServer(handler);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
  }

  private record(server: SeenRequest['server'], req: IncomingMessage): void {
    this.seen.push({
      server,
      method: req.method ?? 'GET',
      path: req.url ?? '',
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
  }

  private handleHub(req: IncomingMessage, res: ServerResponse): void {
    this.record('hub', req);
    const url = new URL(req.url ?? '/', this.hubUrl);
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const match = api ?? resolve;
    if (match === null) return void res.writeHead(404).end();
    const [, repoId, rawRevision, rawPath] = match as unknown as [string, string, string, string | undefined];

    const newId = this.renamed.get(repoId);
    if (newId !== undefined) {
      const rest = url.pathname.slice(url.pathname.indexOf(repoId) + repoId.length);
      return void res.writeHead(307, { Location: `${api ? '/api/models/' : '/'}${newId}${rest}` }).end();
    }
    if (this.requiredToken !== undefined && req.headers.authorization !== `Bearer ${this.requiredToken}`) {
      return void res
        .writeHead(401, {
          'X-Error-Code': 'RepoNotFound',
          'X-Error-Message': 'Invalid username or password.',
        })
        .end();
    }
    const repo = this.repos.get(repoId);
    if (repo === undefined) {
      return void res
        .writeHead(404, { 'X-Error-Code': 'RepoNotFound', 'X-Error-Message': 'Repository not found' })
        .end();
    }
    const revision = decodeURIComponent(rawRevision);
    const commit = repo.branches[revision] ?? (repo.commits[revision] ? revision : undefined);
    if (commit === undefined) {
      return void res
        .writeHead(404, { 'X-Error-Code': 'RevisionNotFound', 'X-Error-Message': 'Invalid rev id' })
        .end();
    }
    const files = repo.commits[commit]!;
    if (api) {
      const body = JSON.stringify({
        id: repoId,
        sha: commit,
        siblings: Object.keys(files).map((rfilename) => ({ rfilename })),
      });
      return void res
        .writeHead(200, { 'Content-Type': 'application/json', 'X-Repo-Commit': commit })
        .end(body);
    }
    const path = decodeURIComponent(rawPath!);
    const file = files[path];
    if (file === undefined) {
      return void res
        .writeHead(404, {
          'X-Error-Code': 'EntryNotFound',
          'X-Error-Message': 'Entry not found',
          'X-Repo-Commit': commit,
        })
        .end();
    }
    if (file.lfs) {
      const sha256 = sha256Hex(file.content);
      return void res
        .writeHead(302, {
          Location: `${this.cdnUrl}/cdn/${sha256}?signature=fake`,
          'X-Repo-Commit': commit,
          'X-Linked-Etag': `"${sha256}"`,
          'X-Linked-Size': String(file.content.byteLength),
          ETag: `"${gitBlobSha1(file.content)}"`,
        })
        .end();
    }
    this.sendBytes(req, res, path, file.content, {
      'X-Repo-Commit': commit,
      ETag: `"${gitBlobSha1(file.content)}"`,
    });
  }

  private handleCdn(req: IncomingMessage, res: ServerResponse): void {
    this.record('cdn', req);
    const sha = /^\/cdn\/([0-9a-f]{64})$/.exec(new URL(req.url ?? '/', this.cdnUrl).pathname)?.[1];
    for (const repo of this.repos.values()) {
      for (const files of Object.values(repo.commits)) {
        for (const [path, file] of Object.entries(files)) {
          if (file.lfs && sha256Hex(file.content) === sha) {
            this.sendBytes(req, res, path, file.content, { ETag: `"${sha}"` });
            return;
          }
        }
      }
    }
    res.writeHead(404).end();
  }

  private sendBytes(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    content: Uint8Array,
    headers: Record<string, string>,
  ): void {
    const body = this.corrupt.get(path) ?? content;
    const size = body.byteLength;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    let status = 200;
    const out: Record<string, string> = { ...headers, 'Accept-Ranges': 'bytes' };
    if (range && !this.ignoreRange) {
      start = Number(range[1]);
      if (start >= size) {
        return void res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      }
      status = 206;
      out['Content-Range'] = `bytes ${start}-${size - 1}/${size}`;
    }
    out['Content-Length'] = String(size - start);
    res.writeHead(status, out);
    if (req.method === 'HEAD') return void res.end();
    const slice = body.subarray(start);
    const cut = this.cutNext?.path === path ? this.cutNext : undefined;
    const stall = this.stallNext?.path === path ? this.stallNext : undefined;
    if (cut) {
      this.cutNext = undefined;
      res.write(slice.subarray(0, cut.afterBytes), () => res.socket?.destroy());
      return;
    }
    if (stall) {
      this.stallNext = undefined;
      res.write(slice.subarray(0, stall.afterBytes));
      return;
    }
    res.end(slice);
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export function sha256Hex(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The git object id of a file: how the hub names the etag of a file that is not in LFS. */
export function gitBlobSha1(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}

/** Deterministic pseudo-random bytes (xorshift32), so a test's "model weights" are reproducible. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[i] = state & 0xff;
  }
  return bytes;
}
