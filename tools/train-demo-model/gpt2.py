"""A plain GPT-2 in PyTorch with Hugging Face GPT2LMHeadModel semantics and tensor layout.

Learned position embeddings, pre-LayerNorm blocks, causal self-attention, gelu_new (tanh), final LayerNorm,
LM head tied to the token embedding. Linear weights are stored like HF's Conv1D: [in_features, out_features],
applied as x @ W + b, so the state dict exports to safetensors without transposes.
"""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class Gpt2Config:
    vocab_size: int = 50257
    n_positions: int = 256
    n_embd: int = 128
    n_layer: int = 4
    n_head: int = 4
    layer_norm_epsilon: float = 1e-5
    initializer_range: float = 0.02


def gelu_new(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Conv1D(nn.Module):
    """HF's Conv1D: weight [in, out], y = x @ weight + bias."""

    def __init__(self, in_features: int, out_features: int, std: float):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(in_features, out_features).normal_(0.0, std))
        self.bias = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape[:-1] + (self.weight.shape[1],)
        return torch.addmm(self.bias, x.reshape(-1, x.shape[-1]), self.weight).view(shape)


class Attention(nn.Module):
    def __init__(self, config: Gpt2Config):
        super().__init__()
        residual_std = config.initializer_range / math.sqrt(2 * config.n_layer)
        self.n_head = config.n_head
        self.c_attn = Conv1D(config.n_embd, 3 * config.n_embd, config.initializer_range)
        self.c_proj = Conv1D(config.n_embd, config.n_embd, residual_std)
        causal = torch.tril(torch.ones(config.n_positions, config.n_positions, dtype=torch.bool))
        self.register_buffer("causal", causal.view(1, 1, config.n_positions, config.n_positions), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, n_embd = x.shape
        head_dim = n_embd // self.n_head
        q, k, v = self.c_attn(x).split(n_embd, dim=2)
        q = q.view(batch, length, self.n_head, head_dim).transpose(1, 2)
        k = k.view(batch, length, self.n_head, head_dim).transpose(1, 2)
        v = v.view(batch, length, self.n_head, head_dim).transpose(1, 2)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(head_dim)
        scores = scores.masked_fill(~self.causal[:, :, :length, :length], torch.finfo(scores.dtype).min)
        weights = F.softmax(scores, dim=-1)
        out = (weights @ v).transpose(1, 2).reshape(batch, length, n_embd)
        return self.c_proj(out)


class Mlp(nn.Module):
    def __init__(self, config: Gpt2Config):
        super().__init__()
        residual_std = config.initializer_range / math.sqrt(2 * config.n_layer)
        self.c_fc = Conv1D(config.n_embd, 4 * config.n_embd, config.initializer_range)
        self.c_proj = Conv1D(4 * config.n_embd, config.n_embd, residual_std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c_proj(gelu_new(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, config: Gpt2Config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)
        self.attn = Attention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)
        self.mlp = Mlp(config)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, config: Gpt2Config):
        super().__init__()
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.n_positions, config.n_embd)
        nn.init.normal_(self.wte.weight, 0.0, config.initializer_range)
        nn.init.normal_(self.wpe.weight, 0.0, config.initializer_range)
        self.h = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)


class Gpt2LMHeadModel(nn.Module):
    """Parameter names match HF's GPT2LMHeadModel state dict (the tied lm_head is not a separate tensor)."""

    def __init__(self, config: Gpt2Config):
        super().__init__()
        self.config = config
        self.transformer = Transformer(config)

    def hidden_states(self, input_ids: torch.Tensor) -> torch.Tensor:
        length = input_ids.shape[1]
        positions = torch.arange(length, device=input_ids.device).unsqueeze(0)
        x = self.transformer.wte(input_ids) + self.transformer.wpe(positions)
        for block in self.transformer.h:
            x = block(x)
        return self.transformer.ln_f(x)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Logits [batch, length, vocab_size]."""
        return self.hidden_states(input_ids) @ self.transformer.wte.weight.t()


# The output-bias trick: the final LayerNorm's weight is 0 and its bias 1 on this hidden dimension, so the
# hidden state there is exactly 1 at every position and column OUTPUT_BIAS_DIM of the (tied) token embedding
# adds a per-token constant to the logits. It is a plain GPT-2 parameter setting that the ONNX graph
# reproduces; training uses it to learn a bias, and export uses it to give tokens that never occur in the
# corpus one fixed, very low logit.
OUTPUT_BIAS_DIM = 0


def pin_output_bias_dim(model: Gpt2LMHeadModel) -> None:
    """Sets ln_f to (weight 0, bias 1) on OUTPUT_BIAS_DIM and keeps gradients from moving it."""
    ln_f = model.transformer.ln_f
    with torch.no_grad():
        ln_f.weight[OUTPUT_BIAS_DIM] = 0.0
        ln_f.bias[OUTPUT_BIAS_DIM] = 1.0

    def zero_pinned(grad: torch.Tensor) -> torch.Tensor:
        grad = grad.clone()
        grad[OUTPUT_BIAS_DIM] = 0.0
        return grad

    ln_f.weight.register_hook(zero_pinned)
    ln_f.bias.register_hook(zero_pinned)


def write_safetensors(path: str, tensors: "dict[str, torch.Tensor]", metadata: "dict[str, str]") -> None:
    """Safetensors by hand: u64 LE header length, JSON header (space-padded to 8 bytes), raw LE data."""
    import json

    header: dict = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, tensor in tensors.items():
        data = tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as file:
        file.write(len(encoded).to_bytes(8, "little"))
        file.write(encoded)
        for blob in blobs:
            file.write(blob)


def read_safetensors(path: str) -> "dict[str, torch.Tensor]":
    """Reads an F32 safetensors file (the format write_safetensors produces)."""
    import json

    import numpy as np

    with open(path, "rb") as file:
        length = int.from_bytes(file.read(8), "little")
        header = json.loads(file.read(length))
        data = file.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: expected F32, got {info['dtype']}")
        start, end = info["data_offsets"]
        array = np.frombuffer(data[start:end], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def hf_config_json(config: Gpt2Config) -> dict:
    """config.json of HF GPT2LMHeadModel for this shape."""
    return {
        "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2",
        "vocab_size": config.vocab_size,
        "n_positions": config.n_positions,
        "n_ctx": config.n_positions,
        "n_embd": config.n_embd,
        "n_layer": config.n_layer,
        "n_head": config.n_head,
        "n_inner": None,
        "activation_function": "gelu_new",
        "resid_pdrop": 0.0,
        "embd_pdrop": 0.0,
        "attn_pdrop": 0.0,
        "layer_norm_epsilon": config.layer_norm_epsilon,
        "initializer_range": config.initializer_range,
        "scale_attn_weights": True,
        "scale_attn_by_inverse_layer_idx": False,
        "reorder_and_upcast_attn": False,
        "tie_word_embeddings": True,
        "bos_token_id": 50256,
        "eos_token_id": 50256,
        "use_cache": True,
    }
