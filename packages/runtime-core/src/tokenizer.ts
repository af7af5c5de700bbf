import { Tokenizer } from '@huggingface/tokenizers';
import { TokenizerError } from './errors.js';

/** Options of {@link TextTokenizer.decode}. */
export interface DecodeOptions {
  /** Leave out special tokens such as `<|endoftext|>`. Default `false`. */
  readonly skipSpecialTokens?: boolean;
  /**
   * Remove spaces before punctuation (`" ."` -> `"."`), as old Hugging Face tokenizers did. Default: the
   * `clean_up_tokenization_spaces` of `tokenizer_config.json`, else `false`.
   */
  readonly cleanUpTokenizationSpaces?: boolean;
}

/** Text to token ids and back, with the model's byte-level BPE (loaded by `@huggingface/tokenizers`). */
export interface TextTokenizer {
  /** Number of token ids the tokenizer knows (added tokens included). */
  readonly vocabSize: number;
  /** Token ids of `text`. GPT-2 adds no special tokens, so this is the plain BPE encoding. */
  encode(text: string): number[];
  /** Text of `ids`. Every id must be an integer in `[0, vocabSize)`. */
  decode(ids: readonly number[], options?: DecodeOptions): string;
  /** The token string of one id (`"Ġworld"`), or `undefined` for an unknown id. */
  idToToken(id: number): string | undefined;
  /** The id of a token string, or `undefined`. */
  tokenToId(token: string): number | undefined;
}

/**
 * Builds a {@link TextTokenizer} from the parsed `tokenizer.json` and (optional) `tokenizer_config.json`.
 *
 * @throws {@link TokenizerError} when the JSON is not a tokenizer `@huggingface/tokenizers` can load.
 */
export function createTokenizer(tokenizerJson: unknown, tokenizerConfig: unknown = {}): TextTokenizer {
  if (typeof tokenizerJson !== 'object' || tokenizerJson === null) {
    throw new TokenizerError('tokenizer.json must hold a JSON object');
  }
  const config = (
    typeof tokenizerConfig === 'object' && tokenizerConfig !== null ? tokenizerConfig : {}
  ) as Record<string, unknown>;
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, config);
  } catch (error) {
    throw new TokenizerError(`tokenizer.json cannot be loaded: ${messageOf(error)}`, { cause: error });
  }
  const vocabSize = tokenizer.get_vocab(true).size;
  if (vocabSize === 0) throw new TokenizerError('tokenizer.json has an empty vocabulary');
  const defaultCleanUp = config['clean_up_tokenization_spaces'] === true;

  return {
    vocabSize,
    encode(text) {
      if (typeof text !== 'string') throw new TokenizerError(`encode needs a string, got ${typeof text}`);
      return tokenizer.encode(text, { add_special_tokens: false }).ids;
    },
    decode(ids, options = {}) {
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
          throw new TokenizerError(`cannot decode token id ${id}: ids must be integers in [0, ${vocabSize})`);
        }
      }
      if (ids.length === 0) return '';
      return tokenizer.decode(ids as number[], {
        skip_special_tokens: options.skipSpecialTokens ?? false,
        clean_up_tokenization_spaces: options.cleanUpTokenizationSpaces ?? defaultCleanUp,
      });
    },
    idToToken(id) {
      return tokenizer.id_to_token(id);
    },
    tokenToId(token) {
      return tokenizer.token_to_id(token);
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
