"""PyTorch logits of the exported checkpoint, for verify-onnx.mjs.

    /usr/bin/python3 reference_logits.py <checkpoint-dir> <prompts.json> <out.bin>

Loads <checkpoint-dir>/model.safetensors and config.json into the PyTorch GPT-2 (so the hand-written
safetensors file is checked too), reads {"prompts": [[id, ...], ...]} and writes, prompt after prompt, the
float32 logits of every position ([length, vocab_size], little-endian).
"""

import json
import os
import sys

import torch

from gpt2 import Gpt2Config, Gpt2LMHeadModel, read_safetensors


def main() -> None:
    checkpoint_dir, prompts_path, out_path = sys.argv[1:4]
    torch.set_num_threads(2)
    with open(os.path.join(checkpoint_dir, "config.json")) as file:
        hf = json.load(file)
    config = Gpt2Config(
        vocab_size=hf["vocab_size"],
        n_positions=hf["n_positions"],
        n_embd=hf["n_embd"],
        n_layer=hf["n_layer"],
        n_head=hf["n_head"],
        layer_norm_epsilon=hf["layer_norm_epsilon"],
    )
    model = Gpt2LMHeadModel(config)
    model.load_state_dict(read_safetensors(os.path.join(checkpoint_dir, "model.safetensors")))
    model.eval()
    with open(prompts_path) as file:
        prompts = json.load(file)["prompts"]
    with open(out_path, "wb") as out, torch.no_grad():
        for ids in prompts:
            logits = model(torch.tensor([ids], dtype=torch.int64))[0]
            out.write(logits.numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    main()
