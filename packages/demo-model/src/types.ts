/** What the demo model is, what it was trained on, and how well it does (the model card's figures). */
export interface DemoModelInfo {
  /** The model's name, as in its card. */
  readonly name: string;
  /** A prompt in the style of the training text. */
  readonly suggestedPrompt: string;
  /** The GPT-2 shape (`config.json`). */
  readonly architecture: {
    readonly nLayer: number;
    readonly nHead: number;
    readonly nEmbd: number;
    readonly nPositions: number;
    readonly vocabSize: number;
    /** All weights, the 50,257 x nEmbd token embedding (tied with the LM head) included. */
    readonly parameters: number;
  };
  readonly corpus: {
    readonly name: string;
    /** Where the text came from (a Debian package). */
    readonly source: string;
    readonly license: string;
    /** Which chapters were held out of training. */
    readonly heldOutRule: string;
    /** GPT-2 tokens of the training split (`<|endoftext|>` between chapters included). */
    readonly trainingTokens: number;
    readonly heldOutTokens: number;
    /** Distinct GPT-2 token ids in the corpus. */
    readonly corpusTokenIds: number;
    /** The logit of every token id the corpus never uses, the same at every position (see the card). */
    readonly unusedTokenLogit: number;
  };
  readonly training: {
    readonly steps: number;
    readonly minutes: number;
    readonly tokensSeen: number;
    readonly epochs: number;
    readonly seed: number;
  };
  readonly evaluation: {
    /** Mean next-token cross-entropy (nats) on the held-out chapters, full 50,257-way softmax. */
    readonly heldOutLoss: number;
    /** `exp(heldOutLoss)`. */
    readonly heldOutPerplexity: number;
    /** The same measure on as many training windows, for the generalisation gap. */
    readonly trainLoss: number;
    /** Largest absolute logit difference between the ONNX file and the PyTorch model it came from. */
    readonly onnxMaxAbsDiff: number;
  };
}
