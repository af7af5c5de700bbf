import { ConfigError, InvalidOptionError } from '@nucleus/samplers';
import { describe, expect, it } from 'vitest';
import {
  isCommitHash,
  parseHubSource,
  repoFolderName,
  validateRepoFilePath,
  validateRepoId,
  validateRevision,
} from '../../src/hub/index.js';

describe('validateRepoId: the rules of huggingface_hub.validate_repo_id', () => {
  it.each([
    'gpt2',
    'Xenova/gpt2',
    'Xenova/distilgpt2',
    'openai-community/gpt2-medium',
    'a/b',
    'user_1/model.v2',
    '_a/_b_',
    `org/${'x'.repeat(96)}`,
  ])('accepts %s', (repoId) => {
    expect(() => validateRepoId(repoId)).not.toThrow();
  });

  it.each([
    ['', /empty/],
    ['a/b/c', /more than one "\/"/],
    ['/gpt2', /a part is empty/],
    ['org/', /a part is empty/],
    ['-org/name', /starts or ends with "-" or "."/],
    ['org/name-', /starts or ends/],
    ['org/.name', /starts or ends/],
    ['org/na me', /has a character other than/],
    ['org/na$me', /has a character other than/],
    ['org/a--b', /"--" or "\.\."/],
    ['org/a..b', /"--" or "\.\."/],
    ['org/model.git', /ends in "\.git"/],
    [`org/${'x'.repeat(97)}`, /longer than 96/],
  ])('rejects %j with the reason', (repoId, reason) => {
    let caught: unknown;
    try {
      validateRepoId(repoId);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidOptionError);
    expect((caught as InvalidOptionError).option).toBe('repoId');
    expect((caught as Error).message).toMatch(/^repoId must be a hub repo id "name" or "org\/name"/);
    expect((caught as Error).message).toMatch(reason);
  });
});

describe('parseHubSource', () => {
  it('splits org/name@revision; main by default', () => {
    expect(parseHubSource('Xenova/gpt2')).toEqual({ repoId: 'Xenova/gpt2', revision: 'main' });
    expect(parseHubSource('Xenova/gpt2@v1.0')).toEqual({ repoId: 'Xenova/gpt2', revision: 'v1.0' });
    expect(parseHubSource('Xenova/gpt2@refs/pr/3')).toEqual({ repoId: 'Xenova/gpt2', revision: 'refs/pr/3' });
    expect(parseHubSource('Xenova/gpt2', { revision: 'dev' })).toEqual({
      repoId: 'Xenova/gpt2',
      revision: 'dev',
    });
    expect(parseHubSource('Xenova/gpt2@dev', { revision: 'dev' }).revision).toBe('dev');
  });

  it('rejects two different revisions, an empty one, and a bad repo id', () => {
    expect(() => parseHubSource('Xenova/gpt2@dev', { revision: 'main' })).toThrow(ConfigError);
    expect(() => parseHubSource('Xenova/gpt2@dev', { revision: 'main' })).toThrow(/two revisions/);
    expect(() => parseHubSource('Xenova/gpt2@')).toThrow(/^revision must be/);
    expect(() => parseHubSource('Xenova/gpt2@../../etc')).toThrow(InvalidOptionError);
    expect(() => parseHubSource('./models/gpt2')).toThrow(/^repoId must be/);
  });
});

describe('paths that become cache paths', () => {
  it('revisions: no empty, "." or ".." segment, no backslash or control character', () => {
    for (const ok of ['main', 'v1.0', 'refs/pr/1', '0123456789abcdef0123456789abcdef01234567']) {
      expect(() => validateRevision(ok)).not.toThrow();
    }
    for (const bad of ['', '..', 'a/../b', '/main', 'main/', 'a\\b', 'a\nb']) {
      expect(() => validateRevision(bad)).toThrow(InvalidOptionError);
    }
  });

  it('file paths: relative, no "..", no backslash', () => {
    for (const ok of ['config.json', 'onnx/model.onnx', 'a b/c#d.txt']) {
      expect(() => validateRepoFilePath(ok)).not.toThrow();
    }
    for (const bad of [
      '',
      '/etc/passwd',
      '../x',
      'onnx/../../x',
      'onnx//model.onnx',
      'a\\b',
      './config.json',
    ]) {
      expect(() => validateRepoFilePath(bad)).toThrow(/^file must be a relative path/);
    }
  });

  it('recognises 40-hex commit hashes only', () => {
    expect(isCommitHash('0123456789abcdef0123456789abcdef01234567')).toBe(true);
    expect(isCommitHash('0123456789ABCDEF0123456789abcdef01234567')).toBe(false);
    expect(isCommitHash('main')).toBe(false);
    expect(isCommitHash('0123456')).toBe(false);
  });

  it('names repository folders like huggingface_hub: models--org--name', () => {
    expect(repoFolderName('Xenova/gpt2')).toBe('models--Xenova--gpt2');
    expect(repoFolderName('gpt2')).toBe('models--gpt2');
  });
});
