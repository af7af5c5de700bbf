import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../support/static-server.js';

/** Headers a browser page may read on a cross-origin hub response (the real hub exposes these too). */
const EXPOSED =
  'X-Repo-Commit, ETag, X-Linked-Etag, X-Linked-Size, X-Error-Code, X-Error-Message, Content-Range, Content-Length';

/**
 * The hub's resolve and model-info endpoints for one repository at one commit, as a route of a local
 * server: `GET|HEAD /{repo}/resolve/{revision}/{path}` (with `X-Repo-Commit` and `ETag`),
 * `GET /api/models/{repo}/revision/{revision}`, 404s with `X-Error-Code`, and CORS headers, since the page
 * is on another origin.
 */
export function fakeHubRoute(repoId: string, commit: string, files: ReadonlyMap<string, Uint8Array>): Route {
  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSED };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'Access-Control-Allow-Headers': '*',
        'Access-Control-Allow-Methods': 'GET, HEAD',
      });
      res.end();
      return true;
    }
    const api = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/(.+?\/.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repo = api?.[1] ?? resolve?.[1];
    const revision = decodeURIComponent(api?.[2] ?? resolve?.[2] ?? '');
    if (repo === undefined) return false;
    if (repo !== repoId) {
      res.writeHead(404, { ...cors, 'X-Error-Code': 'RepoNotFound' }).end();
      return true;
    }
    if (revision !== 'main' && revision !== commit) {
      res.writeHead(404, { ...cors, 'X-Error-Code': 'RevisionNotFound' }).end();
      return true;
    }
    if (api) {
      const body = JSON.stringify({
        id: repoId,
        sha: commit,
        siblings: [...files.keys()].map((rfilename) => ({ rfilename })),
      });
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json', 'X-Repo-Commit': commit }).end(body);
      return true;
    }
    const path = decodeURIComponent(resolve![3]!);
    const content = files.get(path);
    if (content === undefined) {
      res.writeHead(404, { ...cors, 'X-Error-Code': 'EntryNotFound', 'X-Repo-Commit': commit }).end();
      return true;
    }
    res.writeHead(200, {
      ...cors,
      'X-Repo-Commit': commit,
      ETag: `"${gitBlobSha1(content)}"`,
      'Content-Length': String(content.byteLength),
      'Content-Type': 'application/octet-stream',
    });
    res.end(req.method === 'HEAD' ? undefined : content);
    return true;
  };
}

/** The git object id of a file: how the hub names the etag of a file that is not in LFS. */
function gitBlobSha1(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}
