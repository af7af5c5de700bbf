import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.md': 'text/markdown; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** A handler that answered the request returns true. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

/** A local HTTP server on 127.0.0.1 (random port): routes first, then folders mounted under URL prefixes. */
export class StaticServer {
  readonly seen: string[] = [];
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  url = '';

  private constructor(
    private readonly mounts: Record<string, string>,
    private readonly routes: Route[],
  ) {}

  static async start(mounts: Record<string, string>, routes: Route[] = []): Promise<StaticServer> {
    const instance = new StaticServer(mounts, routes);
    instance.server = createServer((req, res) => {
      instance.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    instance.server.on('connection', (socket) => {
      instance.sockets.add(socket);
      socket.on('close', () => instance.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => instance.server.listen(0, '127.0.0.1', resolve));
    instance.url = `http://127.0.0.1:${(instance.server.address() as AddressInfo).port}`;
    return instance;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    this.seen.push(`${req.method} ${url.pathname}`);
    for (const route of this.routes) if (await route(req, res, url)) return;
    for (const [prefix, dir] of Object.entries(this.mounts)) {
      if (!url.pathname.startsWith(prefix)) continue;
      const relative = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
      const file = path.resolve(dir, relative);
      if (!file.startsWith(path.resolve(dir) + path.sep)) break;
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) break;
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Content-Length': String(info.size),
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404).end();
  }
}
