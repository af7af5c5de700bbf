import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubCacheDir, readHubEnv } from '../../src/hub/index.js';
import { removeDir, tempDir } from './helpers.js';

let home: string;
beforeEach(async () => {
  home = await tempDir();
});
afterEach(async () => {
  await removeDir(home);
});

describe('readHubEnv: the environment variables of huggingface_hub', () => {
  it('defaults to ~/.cache/huggingface/hub, the public hub, online, no token', () => {
    expect(readHubEnv({ HOME: home })).toEqual({
      endpoint: 'https://huggingface.co',
      token: undefined,
      hfHome: join(home, '.cache', 'huggingface'),
      cacheDir: join(home, '.cache', 'huggingface', 'hub'),
      offline: false,
    });
  });

  it('puts the cache in HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub', () => {
    const all = { HOME: home, XDG_CACHE_HOME: '/xdg', HF_HOME: '/hf-home', HF_HUB_CACHE: '/hub-cache' };
    expect(hubCacheDir(all)).toBe('/hub-cache');
    expect(hubCacheDir({ ...all, HF_HUB_CACHE: undefined })).toBe(join('/hf-home', 'hub'));
    expect(hubCacheDir({ ...all, HF_HUB_CACHE: undefined, HF_HOME: undefined })).toBe(
      join('/xdg', 'huggingface', 'hub'),
    );
    expect(hubCacheDir({ HOME: home, HUGGINGFACE_HUB_CACHE: '/legacy' })).toBe('/legacy');
    expect(hubCacheDir({ HOME: home, HF_HOME: '~/models' })).toBe(join(home, 'models', 'hub'));
  });

  it('reads HF_ENDPOINT without trailing slashes and rejects what is not an http(s) URL', () => {
    expect(readHubEnv({ HOME: home, HF_ENDPOINT: 'https://hf-mirror.example/' }).endpoint).toBe(
      'https://hf-mirror.example',
    );
    expect(() => readHubEnv({ HOME: home, HF_ENDPOINT: 'ftp://mirror' })).toThrow(/HF_ENDPOINT must be/);
  });

  it('HF_HUB_OFFLINE accepts 1, ON, YES, TRUE in any case; anything else is online', () => {
    for (const value of ['1', 'on', 'YES', 'True']) {
      expect(readHubEnv({ HOME: home, HF_HUB_OFFLINE: value }).offline).toBe(true);
    }
    for (const value of ['0', 'false', '', 'no']) {
      expect(readHubEnv({ HOME: home, HF_HUB_OFFLINE: value }).offline).toBe(false);
    }
  });

  it('takes the token from HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then the token file', async () => {
    await mkdir(join(home, 'hf'), { recursive: true });
    await writeFile(join(home, 'hf', 'token'), 'hf_file\n');
    const base = { HOME: home, HF_HOME: join(home, 'hf') };
    expect(readHubEnv({ ...base, HF_TOKEN: 'hf_env', HUGGING_FACE_HUB_TOKEN: 'hf_legacy' }).token).toBe(
      'hf_env',
    );
    expect(readHubEnv({ ...base, HUGGING_FACE_HUB_TOKEN: 'hf_legacy' }).token).toBe('hf_legacy');
    expect(readHubEnv(base).token).toBe('hf_file');
    expect(readHubEnv({ ...base, HF_HUB_DISABLE_IMPLICIT_TOKEN: '1' }).token).toBeUndefined();
    await writeFile(join(home, 'elsewhere'), 'hf_path');
    expect(readHubEnv({ ...base, HF_TOKEN_PATH: join(home, 'elsewhere') }).token).toBe('hf_path');
  });
});
