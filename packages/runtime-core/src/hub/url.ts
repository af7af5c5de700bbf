import { InvalidOptionError } from '@nucleus/samplers';

/** The public Hugging Face hub, used when neither `endpoint` nor `HF_ENDPOINT` is set. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/**
 * Validates a hub endpoint (`https://huggingface.co`, a mirror, `http://127.0.0.1:8080/hub`) and returns it
 * without trailing slashes. `undefined` or `""` give {@link DEFAULT_HUB_ENDPOINT}.
 *
 * @throws InvalidOptionError (option `endpoint`) when it is not an absolute http(s) URL without query or hash.
 */
export function normalizeEndpoint(endpoint: string | undefined): string {
  if (endpoint === undefined || endpoint === '') return DEFAULT_HUB_ENDPOINT;
  const allowed = 'an absolute http(s) URL without query or fragment, such as "https://huggingface.co"';
  let parsed: URL;
  try {
    parsed = new URL(endpoint);
  } catch {
    throw new InvalidOptionError('endpoint', endpoint, allowed);
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search || parsed.hash) {
    throw new InvalidOptionError('endpoint', endpoint, allowed);
  }
  return endpoint.replace(/\/+$/, '');
}

/**
 * Percent-encodes like Python's `urllib.parse.quote`: everything except letters, digits and `_.-~` (and `/`
 * unless `keepSlashes` is false), so URLs match the ones `huggingface_hub` builds.
 */
export function quote(text: string, keepSlashes = true): string {
  const encoded = encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return keepSlashes ? encoded.replace(/%2F/g, '/') : encoded;
}

/**
 * The download URL of a file: `{endpoint}/{repoId}/resolve/{revision}/{path}`, with the revision encoded as
 * one segment (`refs/pr/1` -> `refs%2Fpr%2F1`) and each segment of the path encoded (slashes kept), as
 * `huggingface_hub.hf_hub_url` does.
 *
 * @example
 * hubFileUrl({ repoId: 'Xenova/gpt2', revision: 'main', path: 'onnx/model.onnx' });
 * // 'https://huggingface.co/Xenova/gpt2/resolve/main/onnx/model.onnx'
 */
export function hubFileUrl(init: {
  endpoint?: string | undefined;
  repoId: string;
  revision: string;
  path: string;
}): string {
  const endpoint = normalizeEndpoint(init.endpoint);
  return `${endpoint}/${init.repoId}/resolve/${quote(init.revision, false)}/${quote(init.path)}`;
}

/**
 * The hub API URL describing a model at a revision (`{endpoint}/api/models/{repoId}/revision/{revision}`),
 * whose JSON holds the commit (`sha`) and the file list (`siblings[].rfilename`).
 */
export function hubModelInfoUrl(init: {
  endpoint?: string | undefined;
  repoId: string;
  revision: string;
}): string {
  const endpoint = normalizeEndpoint(init.endpoint);
  return `${endpoint}/api/models/${init.repoId}/revision/${quote(init.revision, false)}`;
}
