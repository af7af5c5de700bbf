import { InvalidOptionError } from '@nucleus/samplers';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HUB_ENDPOINT,
  hubFileUrl,
  hubModelInfoUrl,
  normalizeEndpoint,
  quote,
} from '../../src/hub/index.js';

describe('hub URLs', () => {
  it('builds {endpoint}/{repo}/resolve/{revision}/{file} on huggingface.co by default', () => {
    expect(hubFileUrl({ repoId: 'Xenova/gpt2', revision: 'main', path: 'onnx/model.onnx' })).toBe(
      'https://huggingface.co/Xenova/gpt2/resolve/main/onnx/model.onnx',
    );
    expect(DEFAULT_HUB_ENDPOINT).toBe('https://huggingface.co');
  });

  it('drops trailing slashes of the endpoint and keeps its path', () => {
    expect(
      hubFileUrl({
        endpoint: 'http://127.0.0.1:8080/mirror///',
        repoId: 'a/b',
        revision: 'main',
        path: 'c.json',
      }),
    ).toBe('http://127.0.0.1:8080/mirror/a/b/resolve/main/c.json');
  });

  it('encodes the revision as one segment and each path segment like urllib.parse.quote', () => {
    // Expected strings as Python's huggingface_hub.hf_hub_url builds them:
    // quote("refs/pr/1", safe="") and quote("sub dir/file #1 (v2)!.txt") with the default safe="/".
    expect(hubFileUrl({ repoId: 'a/b', revision: 'refs/pr/1', path: 'sub dir/file #1 (v2)!.txt' })).toBe(
      'https://huggingface.co/a/b/resolve/refs%2Fpr%2F1/sub%20dir/file%20%231%20%28v2%29%21.txt',
    );
    expect(hubFileUrl({ repoId: 'a/b', revision: 'main', path: 'é?.json' })).toBe(
      'https://huggingface.co/a/b/resolve/main/%C3%A9%3F.json',
    );
    expect(quote("a~b_c-d.e'*")).toBe('a~b_c-d.e%27%2A');
  });

  it('builds the model info API URL', () => {
    expect(hubModelInfoUrl({ repoId: 'Xenova/gpt2', revision: 'refs/pr/2' })).toBe(
      'https://huggingface.co/api/models/Xenova/gpt2/revision/refs%2Fpr%2F2',
    );
  });

  it('rejects endpoints that are not absolute http(s) URLs', () => {
    for (const bad of ['huggingface.co', 'ftp://mirror', 'https://hf.co/?x=1', 'https://hf.co/#top']) {
      expect(() => normalizeEndpoint(bad)).toThrow(InvalidOptionError);
    }
    expect(normalizeEndpoint(undefined)).toBe(DEFAULT_HUB_ENDPOINT);
    expect(normalizeEndpoint('')).toBe(DEFAULT_HUB_ENDPOINT);
  });
});
