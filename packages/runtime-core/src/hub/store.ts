import type { DownloadSink } from './download.js';

/**
 * A writer for one blob being downloaded. Bytes go to a place readers never see as the blob until
 * {@link HubBlobWriter.commit} has checked them, so an interrupted download is never used as complete.
 */
export interface HubBlobWriter extends DownloadSink {
  /** Bytes kept from an earlier interrupted download of this blob: the download resumes after them. */
  readonly offset: number;
  /**
   * Checks the bytes (the size when known; the sha256 when the etag is one) and makes them the blob. On a
   * mismatch it deletes them and throws `HubIntegrityError`.
   */
  commit(): Promise<void>;
  /** Keeps the bytes received so far for a later download to resume (after a network error or an abort). */
  suspend(): Promise<void>;
  /** Deletes the bytes received so far. */
  discard(): Promise<void>;
}

/**
 * Storage for hub files, organised like the Hugging Face hub cache: per repository, `refs` (revision ->
 * commit), `blobs` (file contents by etag), `snapshots` (commit + path -> blob) and `.no_exist` markers (a
 * file known to be absent at a commit). The Node runtime implements it on disk in the `huggingface_hub`
 * layout; a browser runtime can implement it over the Cache API or IndexedDB.
 *
 * `repoId`, `revision`, `commit`, `path` and `etag` reach the store already validated: no `..` segments,
 * no `\`, etags and commits are single path segments.
 */
export interface HubCacheStore {
  /** Where the cache lives (a folder, a Cache API name), for messages. */
  readonly location: string;
  /** Where a repository's snapshot (or one file in it) lives, for messages. */
  locate(repoId: string, commit?: string, path?: string): string;
  /** The commit a branch or tag last resolved to, or undefined. */
  readRef(repoId: string, revision: string): Promise<string | undefined>;
  /** Records the commit a branch or tag resolved to. */
  writeRef(repoId: string, revision: string, commit: string): Promise<void>;
  /** The size of `path` in the snapshot of `commit`, or undefined when it is not there. */
  snapshotFileSize(repoId: string, commit: string, path: string): Promise<number | undefined>;
  /** Every file of the snapshot of `commit` (`/`-separated paths), or undefined when there is none. */
  listSnapshot(repoId: string, commit: string): Promise<string[] | undefined>;
  /** Whether `path` was recorded as absent from the repository at `commit`. */
  hasNoExistMarker(repoId: string, commit: string, path: string): Promise<boolean>;
  /** Records that `path` does not exist in the repository at `commit`. */
  writeNoExistMarker(repoId: string, commit: string, path: string): Promise<void>;
  /**
   * Puts the complete blob `etag` into the snapshot of `commit` as `path` and returns its size, or returns
   * undefined (changing nothing) when the store has no complete blob with that etag.
   */
  linkBlob(repoId: string, commit: string, path: string, etag: string): Promise<number | undefined>;
  /** Opens a writer for blob `etag`, resuming an interrupted download where the store kept one. */
  openBlobWriter(
    repoId: string,
    etag: string,
    expected: { file: string; size: number | undefined },
  ): Promise<HubBlobWriter>;
}
