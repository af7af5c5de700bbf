import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { normalizeEndpoint } from '@nucleus/runtime-core';
import { InvalidOptionError } from '@nucleus/samplers';

/** Environment variables, as in `process.env`. */
export type HubEnv = Readonly<Record<string, string | undefined>>;

/** Hub settings from the environment, with `huggingface_hub`'s defaults applied. */
export interface HubEnvironment {
  /** `HF_ENDPOINT` without trailing slashes, else `https://huggingface.co`. */
  endpoint: string;
  /**
   * `HF_TOKEN`, else the legacy `HUGGING_FACE_HUB_TOKEN`, else the token file `huggingface-cli login` writes
   * (`HF_TOKEN_PATH`, default `$HF_HOME/token`; skipped when `HF_HUB_DISABLE_IMPLICIT_TOKEN` is set).
   */
  token: string | undefined;
  /** `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. */
  hfHome: string;
  /** `HF_HUB_CACHE`, else the legacy `HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`. */
  cacheDir: string;
  /** `HF_HUB_OFFLINE` is `1`, `ON`, `YES` or `TRUE` (any case). */
  offline: boolean;
}

const TRUE_VALUES = new Set(['1', 'ON', 'YES', 'TRUE']);

function isTrue(value: string | undefined): boolean {
  return value !== undefined && TRUE_VALUES.has(value.trim().toUpperCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Reads the hub settings from environment variables (default `process.env`) the way `huggingface_hub` does.
 * This is the only place the hub code reads the environment; pass `env` to control it (tests, sandboxes).
 *
 * @throws InvalidOptionError (option `HF_ENDPOINT`) when `HF_ENDPOINT` is not an http(s) URL.
 */
export function readHubEnv(env: HubEnv = process.env): HubEnvironment {
  const {
    HOME,
    USERPROFILE,
    HF_HOME,
    XDG_CACHE_HOME,
    HF_HUB_CACHE,
    HUGGINGFACE_HUB_CACHE,
    HF_ENDPOINT,
    HF_TOKEN,
    HUGGING_FACE_HUB_TOKEN,
    HF_TOKEN_PATH,
    HF_HUB_DISABLE_IMPLICIT_TOKEN,
    HF_HUB_OFFLINE,
  } = env;
  const home = nonEmpty(HOME) ?? nonEmpty(USERPROFILE) ?? homedir();
  const expandHome = (path: string) =>
    path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
  const hfHome = expandHome(
    nonEmpty(HF_HOME) ?? join(nonEmpty(XDG_CACHE_HOME) ?? join(home, '.cache'), 'huggingface'),
  );
  const cacheDir = expandHome(
    nonEmpty(HF_HUB_CACHE) ?? nonEmpty(HUGGINGFACE_HUB_CACHE) ?? join(hfHome, 'hub'),
  );
  let endpoint: string;
  try {
    endpoint = normalizeEndpoint(nonEmpty(HF_ENDPOINT));
  } catch {
    throw new InvalidOptionError(
      'HF_ENDPOINT',
      HF_ENDPOINT,
      'an absolute http(s) URL such as "https://huggingface.co"',
    );
  }
  let token = nonEmpty(HF_TOKEN) ?? nonEmpty(HUGGING_FACE_HUB_TOKEN);
  if (token === undefined && !isTrue(HF_HUB_DISABLE_IMPLICIT_TOKEN)) {
    token = readTokenFile(expandHome(nonEmpty(HF_TOKEN_PATH) ?? join(hfHome, 'token')));
  }
  return { endpoint, token, hfHome, cacheDir, offline: isTrue(HF_HUB_OFFLINE) };
}

function readTokenFile(path: string): string | undefined {
  try {
    return nonEmpty(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
