import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '@nucleus/browser-testing';

/** Headers a browser page may read on a cross-origin hub response (the real hub exposes these too). */
const EXPOSED =
  'X-Repo-Commit, ETag, X-Linked-Etag, X-Linked-Size, X-Error-Code, X-Error-Message, Content-Range, Content-Length';

/**
 * The hub's resolve and model-info endpoints for one repository at one commit, as a route of a local
 * server: `GET|HEAD /{repo}/resolve/{revision}/{path}` (with `X-Repo-Commit` and `ETag`),
 * `GET /api/models/{repo}/revision/{revision}` (with `?blobs=true` details), 404s with `X-Error-Code`, and
 * CORS headers, since the page is on another origin. As on the real hub, `.onnx` files are LFS files: their
 * resolve URL answers 302 with `X-Linked-Etag` (the sha256) and `X-Linked-Size` to `/cdn/{sha256}`, whose
 * answer carries none of the hub's headers (a browser only sees that one).
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
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
    if (cdn) {
      const content = [...files.values()].find((bytes) => sha256(bytes) === cdn[1]);
      if (content === undefined) return false;
      res.writeHead(200, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Expose-Headers': 'Content-Length, Content-Range',
        'Content-Length': String(content.byteLength),
        'Content-Type': 'application/octet-stream',
      });
      res.end(req.method === 'HEAD' ? undefined : content);
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
        siblings: [...files].map(([rfilename, content]) =>
          url.searchParams.get('blobs') === 'true'
            ? {
                rfilename,
                blobId: gitBlobSha1(content),
                size: content.byteLength,
                ...(isLfs(rfilename) ? { lfs: { sha256: sha256(content), size: content.byteLength } } : {}),
              }
            : { rfilename },
        ),
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
    if (isLfs(path)) {
      res.writeHead(302, {
        ...cors,
        'X-Repo-Commit': commit,
        'X-Linked-Etag': `"${sha256(content)}"`,
        'X-Linked-Size': String(content.byteLength),
        Location: `http://${req.headers.host}/cdn/${sha256(content)}`,
      });
      res.end();
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

function isLfs(path: string): boolean {
  return path.endsWith('.onnx') || path.endsWith('.onnx_data');
}

function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The git object id of a file: how the hub names the etag of a file that is not in LFS. */
function gitBlobSha1(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}
