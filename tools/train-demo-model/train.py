"""Step 2 of the demo-model pipeline: train the GPT-2 on the tokenized corpus, under a wall-clock budget.

    /usr/bin/python3 train.py [--work-dir work] [--minutes 40] [--steps 12000] [--seed 1234] ...

Trains over the corpus's own token ids only (a compact output layer: the 10k ids the corpus uses instead of
all 50,257, five times cheaper); export.py later spreads the rows back into the full vocabulary. The learning
rate follows a warmup then a cosine decay over progress = max(step / steps, elapsed / budget), so the decay
always completes by the time cap, whichever comes first. Every step's learning rate is written to
run/lr-schedule.txt: `--lr-schedule work/run/lr-schedule.txt` replays the same run step for step with no
time cap.

Writes work/run/checkpoint.pt (compact weights, the id map, the config) and work/run/train-log.json.
"""

import argparse
import json
import math
import os
import time

import torch  # before numpy: numpy first loads OpenBLAS with its own threading and slows torch down
import torch.nn.functional as F
import numpy as np

from gpt2 import Gpt2Config, Gpt2LMHeadModel, pin_output_bias_dim

EOS_ID = 50256


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work-dir", default="work")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--n-layer", type=int, default=4)
    parser.add_argument("--n-embd", type=int, default=128)
    parser.add_argument("--n-head", type=int, default=4)
    parser.add_argument("--context", type=int, default=256, help="n_positions and training window length")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--lr", type=float, default=2e-3, help="peak learning rate")
    parser.add_argument("--min-lr-ratio", type=float, default=0.1)
    parser.add_argument("--warmup", type=int, default=200, help="warmup steps")
    parser.add_argument("--weight-decay", type=float, default=0.1)
    parser.add_argument("--steps", type=int, default=12000, help="planned steps (the schedule's length)")
    parser.add_argument("--minutes", type=float, default=40.0, help="wall-clock cap; 0 = none")
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument("--eval-windows", type=int, default=32, help="held-out windows per periodic eval")
    parser.add_argument("--lr-schedule", help="replay the per-step learning rates of an earlier run")
    return parser.parse_args()


def load_tokens(path: str) -> np.ndarray:
    return np.fromfile(path, dtype="<u2").astype(np.int64)


def learning_rate(args: argparse.Namespace, step: int, progress: float) -> float:
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    cosine = 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
    return args.lr * (args.min_lr_ratio + (1.0 - args.min_lr_ratio) * cosine)


def windows(tokens: torch.Tensor, length: int) -> torch.Tensor:
    """Non-overlapping windows of length + 1 tokens (inputs and shifted targets), stride `length`."""
    count = (len(tokens) - 1) // length
    return torch.stack([tokens[i * length : i * length + length + 1] for i in range(count)])


@torch.no_grad()
def mean_loss(model: Gpt2LMHeadModel, batches: torch.Tensor, batch_size: int = 8) -> float:
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(batches), batch_size):
        batch = batches[start : start + batch_size]
        logits = model(batch[:, :-1])
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1), reduction="sum").item()
        count += batch[:, 1:].numel()
    model.train()
    return total / count


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    run_dir = os.path.join(args.work_dir, "run")
    os.makedirs(run_dir, exist_ok=True)

    train_ids = load_tokens(os.path.join(args.work_dir, "corpus", "train.bin"))
    heldout_ids = load_tokens(os.path.join(args.work_dir, "corpus", "heldout.bin"))
    # The corpus's vocabulary: every id of either split, plus EOS. Sorted, so compact id = rank.
    used_ids = np.unique(np.concatenate([train_ids, heldout_ids, [EOS_ID]]))
    to_compact = np.full(50257, -1, dtype=np.int64)
    to_compact[used_ids] = np.arange(len(used_ids))
    train = torch.from_numpy(to_compact[train_ids])
    heldout = torch.from_numpy(to_compact[heldout_ids])

    config = Gpt2Config(
        vocab_size=len(used_ids),
        n_positions=args.context,
        n_embd=args.n_embd,
        n_layer=args.n_layer,
        n_head=args.n_head,
    )
    model = Gpt2LMHeadModel(config)
    pin_output_bias_dim(model)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr,
        betas=(0.9, 0.95),
        eps=1e-8,
    )

    replay = None
    if args.lr_schedule:
        with open(args.lr_schedule) as file:
            replay = [float(line) for line in file if line.strip()]
    planned_steps = len(replay) if replay else args.steps
    budget = 0.0 if replay else args.minutes * 60.0

    eval_batches = windows(heldout, args.context)[: args.eval_windows]
    sampler = torch.Generator().manual_seed(args.seed)
    window = args.context + 1
    print(
        f"corpus: {len(train)} training tokens, {len(heldout)} held-out, {len(used_ids)} distinct ids; "
        f"model: {sum(p.numel() for p in model.parameters())} parameters (compact vocabulary); "
        f"plan: {planned_steps} steps of {args.batch_size}x{args.context} tokens, cap {args.minutes} min",
        flush=True,
    )

    lrs: list = []
    history: list = []
    smoothed = None
    start = time.time()
    stop_reason = "steps"
    step = 0
    while step < planned_steps:
        elapsed = time.time() - start
        if budget > 0 and elapsed >= budget:
            stop_reason = "time"
            break
        progress = step / planned_steps if budget == 0 else max(step / planned_steps, elapsed / budget)
        lr = replay[step] if replay else learning_rate(args, step, progress)
        for group in optimizer.param_groups:
            group["lr"] = lr
        offsets = torch.randint(0, len(train) - window, (args.batch_size,), generator=sampler)
        batch = torch.stack([train[o : o + window] for o in offsets.tolist()])
        logits = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, config.vocab_size), batch[:, 1:].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        lrs.append(lr)
        step += 1
        smoothed = loss.item() if smoothed is None else 0.98 * smoothed + 0.02 * loss.item()
        if step % 50 == 0:
            elapsed = time.time() - start
            print(
                f"step {step} loss {smoothed:.3f} lr {lr:.2e} "
                f"{step * args.batch_size * args.context / elapsed:.0f} tok/s {elapsed / 60:.1f} min",
                flush=True,
            )
        if step % args.eval_every == 0 or step == planned_steps:
            heldout_loss = mean_loss(model, eval_batches)
            history.append({"step": step, "minutes": (time.time() - start) / 60, "train_loss_smoothed": smoothed,
                            "heldout_loss_subset": heldout_loss})
            print(f"eval step {step}: held-out loss (first {len(eval_batches)} windows) {heldout_loss:.3f}", flush=True)

    minutes = (time.time() - start) / 60
    print(f"stopped ({stop_reason}) after {step} steps, {minutes:.1f} min", flush=True)
    with open(os.path.join(run_dir, "lr-schedule.txt"), "w") as file:
        file.write("".join(f"{lr!r}\n" for lr in lrs))
    torch.save(
        {"state": model.state_dict(), "used_ids": torch.from_numpy(used_ids), "config": vars(config)},
        os.path.join(run_dir, "checkpoint.pt"),
    )
    log = {
        "args": vars(args),
        "steps_done": step,
        "planned_steps": planned_steps,
        "stop_reason": stop_reason,
        "minutes": minutes,
        "tokens_seen": step * args.batch_size * args.context,
        "epochs": step * args.batch_size * args.context / len(train),
        "training_tokens": len(train),
        "heldout_tokens": len(heldout),
        "distinct_ids": len(used_ids),
        "torch": torch.__version__,
        "history": history,
    }
    with open(os.path.join(run_dir, "train-log.json"), "w") as file:
        json.dump(log, file, indent=2)


if __name__ == "__main__":
    main()
