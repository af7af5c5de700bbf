"""Step 3 of the demo-model pipeline: the trained compact model as a full-vocabulary GPT-2 checkpoint.

    /usr/bin/python3 export.py [--work-dir work]

Spreads the corpus's token rows back into GPT-2's 50,257-row embedding. A token the corpus never uses gets an
embedding that is zero except OUTPUT_BIAS_DIM, where it holds one low value: through the pinned final
LayerNorm, its logit is exactly that value at every position, set 25 below the smallest top logit seen on the
held-out text (so those 40k tokens together never get more than about 1e-6 of the probability there).

Then measures the exported model (full 50,257-way softmax) on the whole held-out split and on as many
training windows, and writes:
  work/hf/model.safetensors, work/hf/config.json   (HF GPT2LMHeadModel names; tied lm_head)
  work/run/metrics.json                            (losses, perplexities, the unused-token logit, ...)
"""

import argparse
import json
import math
import os

import torch  # before numpy: see train.py
import torch.nn.functional as F

from gpt2 import OUTPUT_BIAS_DIM, Gpt2Config, Gpt2LMHeadModel, hf_config_json, write_safetensors
from train import load_tokens, windows

VOCAB_SIZE = 50257
UNUSED_LOGIT_MARGIN = 25.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work-dir", default="work")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1234, help="picks the training windows that are measured")
    return parser.parse_args()


@torch.no_grad()
def smallest_top_logit(model: Gpt2LMHeadModel, batches: torch.Tensor) -> float:
    smallest = math.inf
    for start in range(0, len(batches), 8):
        logits = model(batches[start : start + 8, :-1])
        smallest = min(smallest, logits.max(dim=-1).values.min().item())
    return smallest


@torch.no_grad()
def evaluate(model: Gpt2LMHeadModel, batches: torch.Tensor, unused: torch.Tensor) -> dict:
    """Mean next-token loss over every target of the windows, and the largest unused-token mass."""
    total, count, worst_unused_mass = 0.0, 0, 0.0
    for start in range(0, len(batches), 4):
        batch = batches[start : start + 4]
        log_probs = F.log_softmax(model(batch[:, :-1]), dim=-1)
        targets = batch[:, 1:]
        total -= log_probs.gather(-1, targets.unsqueeze(-1)).sum().item()
        count += targets.numel()
        worst_unused_mass = max(worst_unused_mass, log_probs[..., unused].logsumexp(-1).exp().max().item())
    loss = total / count
    return {"loss": loss, "perplexity": math.exp(loss), "tokens": count, "max_unused_token_mass": worst_unused_mass}


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    checkpoint = torch.load(os.path.join(args.work_dir, "run", "checkpoint.pt"))
    used_ids = checkpoint["used_ids"]
    compact_config = Gpt2Config(**checkpoint["config"])
    compact = Gpt2LMHeadModel(compact_config)
    compact.load_state_dict(checkpoint["state"])
    compact.eval()

    heldout_ids = torch.from_numpy(load_tokens(os.path.join(args.work_dir, "corpus", "heldout.bin")))
    train_ids = torch.from_numpy(load_tokens(os.path.join(args.work_dir, "corpus", "train.bin")))
    to_compact = torch.full((VOCAB_SIZE,), -1, dtype=torch.int64)
    to_compact[used_ids] = torch.arange(len(used_ids))
    context = compact_config.n_positions
    heldout_batches = windows(heldout_ids, context)

    smallest = smallest_top_logit(compact, to_compact[heldout_batches])
    unused_logit = math.floor(smallest - UNUSED_LOGIT_MARGIN)

    state = dict(checkpoint["state"])
    compact_wte = state["transformer.wte.weight"]
    wte = torch.zeros(VOCAB_SIZE, compact_config.n_embd)
    wte[used_ids] = compact_wte
    unused = torch.ones(VOCAB_SIZE, dtype=torch.bool)
    unused[used_ids] = False
    wte[unused, OUTPUT_BIAS_DIM] = float(unused_logit)
    state["transformer.wte.weight"] = wte

    config = Gpt2Config(**{**checkpoint["config"], "vocab_size": VOCAB_SIZE})
    model = Gpt2LMHeadModel(config)
    model.load_state_dict(state)
    model.eval()
    ln_f = model.transformer.ln_f
    assert ln_f.weight[OUTPUT_BIAS_DIM].item() == 0.0 and ln_f.bias[OUTPUT_BIAS_DIM].item() == 1.0

    with torch.no_grad():
        sample = heldout_batches[:2, :-1]
        full_logits = model(sample)
        assert torch.equal(full_logits[..., unused], torch.full_like(full_logits[..., unused], float(unused_logit)))
        compact_diff = (full_logits[..., used_ids] - compact(to_compact[sample])).abs().max().item()
    assert compact_diff < 1e-4, f"full and compact logits differ by {compact_diff}"

    generator = torch.Generator().manual_seed(args.seed)
    offsets = torch.randint(0, len(train_ids) - context - 1, (len(heldout_batches),), generator=generator)
    train_batches = torch.stack([train_ids[o : o + context + 1] for o in offsets.tolist()])
    unused_ids = unused.nonzero().squeeze(1)
    metrics = {
        "heldout": evaluate(model, heldout_batches, unused_ids),
        "train_sample": evaluate(model, train_batches, unused_ids),
        "evaluation": f"full 50,257-way softmax; non-overlapping windows of {context} targets, each token "
        f"predicted from the tokens before it in its window",
        "corpus_token_ids": len(used_ids),
        "unused_token_logit": unused_logit,
        "smallest_top_logit_heldout": smallest,
        "max_abs_diff_full_vs_compact": compact_diff,
    }
    print(json.dumps(metrics, indent=2))

    hf_dir = os.path.join(args.work_dir, "hf")
    os.makedirs(hf_dir, exist_ok=True)
    write_safetensors(os.path.join(hf_dir, "model.safetensors"), model.state_dict(), {"format": "pt"})
    with open(os.path.join(hf_dir, "config.json"), "w") as file:
        json.dump(hf_config_json(config), file, indent=2)
        file.write("\n")
    with open(os.path.join(args.work_dir, "run", "metrics.json"), "w") as file:
        json.dump(metrics, file, indent=2)
        file.write("\n")


if __name__ == "__main__":
    main()
