import { describe, expect, it } from 'vitest';
import {
  deserializeError,
  HubNotFoundError,
  HubOfflineError,
  InvalidOptionError,
  ModelFileError,
  NucleusError,
  pickedFilesByPath,
  serializeError,
} from '../src/index.js';

/** What a worker's error looks like on the page: serialized, structured-cloned, rebuilt. */
const acrossTheBoundary = (error: unknown) => deserializeError(structuredClone(serializeError(error)));

describe('errors cross the worker boundary with their class, code, message and fields', () => {
  it('rebuilds NucleusError subclasses by name', () => {
    const cases = [
      new InvalidOptionError('topP', 1.5, 'a number in [0, 1]'),
      new ModelFileError('onnx/model.onnx', 'not found'),
      new HubNotFoundError({ url: 'http://hub/x', repoId: 'org/x', revision: 'main', target: 'repo' }),
      new HubOfflineError({ repoId: 'org/x', revision: 'main', cacheLocation: 'Cache API' }),
    ];
    for (const original of cases) {
      const rebuilt = acrossTheBoundary(original);
      expect(rebuilt).toBeInstanceOf(original.constructor);
      expect(rebuilt).toBeInstanceOf(NucleusError);
      expect(rebuilt).toBeInstanceOf(Error);
      expect(rebuilt.message).toBe(original.message);
      expect((rebuilt as NucleusError).code).toBe(original.code);
      expect(rebuilt.name).toBe(original.name);
    }
    const option = acrossTheBoundary(cases[0]) as InvalidOptionError;
    expect([option.option, option.value, option.allowed]).toEqual(['topP', 1.5, 'a number in [0, 1]']);
    expect((acrossTheBoundary(cases[2]) as HubNotFoundError).target).toBe('repo');
  });

  it('an unknown NucleusError subclass keeps its code as a NucleusError; other errors stay errors', () => {
    class CustomError extends NucleusError {
      constructor() {
        super('CUSTOM', 'custom failure');
      }
    }
    const custom = acrossTheBoundary(new CustomError());
    expect(custom).toBeInstanceOf(NucleusError);
    expect((custom as NucleusError).code).toBe('CUSTOM');
    expect(custom.name).toBe('CustomError');
    const type = acrossTheBoundary(new TypeError('bad type'));
    expect(type).toBeInstanceOf(TypeError);
    expect(type.message).toBe('bad type');
    expect(acrossTheBoundary('a string').message).toBe('a string');
  });
});

describe('pickedFilesByPath', () => {
  const file = (name: string, relative?: string) => {
    const picked = new File(['x'], name);
    if (relative !== undefined) Object.defineProperty(picked, 'webkitRelativePath', { value: relative });
    return picked;
  };

  it('strips the picked folder from directory picks', () => {
    const paths = pickedFilesByPath([
      file('config.json', 'gpt2/config.json'),
      file('model.onnx', 'gpt2/onnx/model.onnx'),
    ]);
    expect([...paths.keys()].sort()).toEqual(['config.json', 'onnx/model.onnx']);
  });

  it('uses names for files picked one by one, paths as given for a map', () => {
    expect([...pickedFilesByPath([file('config.json'), file('model.onnx')]).keys()]).toEqual([
      'config.json',
      'model.onnx',
    ]);
    expect([...pickedFilesByPath({ '/onnx/model.onnx': new Blob(['x']) }).keys()]).toEqual([
      'onnx/model.onnx',
    ]);
  });

  it('rejects an empty pick and things that are not files', () => {
    expect(() => pickedFilesByPath([])).toThrow(InvalidOptionError);
    expect(() => pickedFilesByPath([])).toThrow(/no file was given/);
    expect(() => pickedFilesByPath({ 'config.json': 'text' as never })).toThrow(
      /"config.json" is not a Blob/,
    );
  });
});
