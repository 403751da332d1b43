"""nanoGPT's model in PyTorch (its model.py, reduced to what its shakespeare_char configs use), the reference that
bench_gpt.py (speed) and bench_gpt_parity.py (loss) compare corpuskit's NumPy GPT with. PyTorch is not a corpuskit
dependency: ``pip install torch==2.13.0`` (the CPU build) to run them."""

from __future__ import annotations

import math


def nanogpt(vocab_size: int, n_embd: int, n_head: int, n_layer: int, block_size: int, dropout: float = 0.0,
            gelu: str = "none"):
    """No biases, pre-LayerNorm blocks, ``scaled_dot_product_attention(is_causal=True)``, tied output, GPT-2
    initialisation (normal 0.02; the residual projections ``c_proj`` scaled by 1/sqrt(2 L)). ``gelu``: "none"
    (exact, nanoGPT's ``nn.GELU()``) or "tanh". ``model(idx, targets)`` returns the mean cross-entropy."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    C, H, L, V = n_embd, n_head, n_layer, vocab_size

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(C, bias=False), nn.LayerNorm(C, bias=False)
            self.c_attn, self.c_proj = nn.Linear(C, 3 * C, bias=False), nn.Linear(C, C, bias=False)
            self.c_fc, self.mlp_c_proj = nn.Linear(C, 4 * C, bias=False), nn.Linear(4 * C, C, bias=False)
            self.drop = nn.Dropout(dropout)

        def forward(self, x):
            b, t, _ = x.shape
            q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
            q, k, v = (z.view(b, t, H, C // H).transpose(1, 2) for z in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout if self.training else 0.0, is_causal=True)
            x = x + self.drop(self.c_proj(y.transpose(1, 2).contiguous().view(b, t, C)))
            return x + self.drop(self.mlp_c_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate=gelu)))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(block_size, C)
            self.h = nn.ModuleList(Block() for _ in range(L))
            self.ln_f, self.drop = nn.LayerNorm(C, bias=False), nn.Dropout(dropout)
            for mod in self.modules():
                if isinstance(mod, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(mod.weight, mean=0.0, std=0.02)
            for name, p in self.named_parameters():
                if name.endswith("c_proj.weight"):
                    nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * L))

        def forward(self, idx, targets):
            x = self.drop(self.wte(idx) + self.wpe(torch.arange(idx.shape[1])))
            for blk in self.h:
                x = blk(x)
            logits = self.ln_f(x) @ self.wte.weight.T
            return F.cross_entropy(logits.view(-1, V), targets.view(-1))

    return GPT()


def adamw(model, lr: float = 1e-3, betas=(0.9, 0.99), weight_decay: float = 0.1):
    """nanoGPT's configure_optimizers: decay on 2-D parameters only."""
    import torch

    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": other, "weight_decay": 0.0}], lr=lr, betas=betas)
