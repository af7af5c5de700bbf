import { createHash } from 'node:crypto';
import { type HubBlobWriter, type HubCacheStore, HubIntegrityError } from '../../src/hub/index.js';

/**
 * A {@link HubCacheStore} in memory, written against the interface only: shows a non-disk store (as a
 * browser one would be) works with `downloadHubFiles`. Partial downloads are kept for resumption.
 */
export class MemoryHubStore implements HubCacheStore {
  readonly location = 'memory';
  readonly refs = new Map<string, string>();
  readonly blobs = new Map<string, Uint8Array>();
  readonly partials = new Map<string, Uint8Array>();
  readonly snapshots = new Map<string, string>();
  readonly noExist = new Set<string>();

  locate(repoId: string, commit?: string, path?: string): string {
    return ['memory:', repoId, commit, path].filter(Boolean).join('/');
  }
  async readRef(repoId: string, revision: string) {
    return this.refs.get(`${repoId}@${revision}`);
  }
  async writeRef(repoId: string, revision: string, commit: string) {
    this.refs.set(`${repoId}@${revision}`, commit);
  }
  async snapshotFileSize(repoId: string, commit: string, path: string) {
    const etag = this.snapshots.get(`${repoId}@${commit}/${path}`);
    return etag === undefined ? undefined : this.blobs.get(`${repoId}:${etag}`)?.byteLength;
  }
  async listSnapshot(repoId: string, commit: string) {
    const prefix = `${repoId}@${commit}/`;
    const files = [...this.snapshots.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length));
    return files.length === 0 ? undefined : files.sort();
  }
  async hasNoExistMarker(repoId: string, commit: string, path: string) {
    return this.noExist.has(`${repoId}@${commit}/${path}`);
  }
  async writeNoExistMarker(repoId: string, commit: string, path: string) {
    this.noExist.add(`${repoId}@${commit}/${path}`);
  }
  async linkBlob(repoId: string, commit: string, path: string, etag: string) {
    const blob = this.blobs.get(`${repoId}:${etag}`);
    if (blob === undefined) return undefined;
    this.snapshots.set(`${repoId}@${commit}/${path}`, etag);
    return blob.byteLength;
  }
  async openBlobWriter(repoId: string, etag: string, expected: { file: string; size: number | undefined }) {
    const key = `${repoId}:${etag}`;
    let held = this.partials.get(key) ?? new Uint8Array(0);
    this.partials.delete(key);
    const writer: HubBlobWriter = {
      offset: held.byteLength,
      restart: () => {
        held = new Uint8Array(0);
      },
      write: (chunk) => {
        const next = new Uint8Array(held.byteLength + chunk.byteLength);
        next.set(held);
        next.set(chunk, held.byteLength);
        held = next;
      },
      commit: async () => {
        const digest = createHash('sha256').update(held).digest('hex');
        if (/^[0-9a-f]{64}$/.test(etag) && digest !== etag)
          throw new HubIntegrityError(expected.file, 'the sha256', etag, digest);
        this.blobs.set(key, held);
      },
      suspend: async () => {
        this.partials.set(key, held);
      },
      discard: async () => {},
    };
    return writer;
  }
}
