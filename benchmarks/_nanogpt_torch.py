"""nanoGPT's model in PyTorch (its model.py, reduced to what its shakespeare_char configs use), the reference that
bench_gpt.py (speed) and bench_gpt_parity.py (loss) compare corpuskit's NumPy GPT with. PyTorch is not a corpuskit
dependency: ``pip install torch==2.13.0`` (the CPU build) to run them.

The module tree, its names and the order in which modules are built and initialised are nanoGPT's, so that
``torch.manual_seed(s)`` followed by ``nanogpt(...)`` draws the same initial weights as nanoGPT's ``GPT(gptconf)``
after the same seed: ``transformer.{wte, wpe, drop, h[i].{ln_1, attn.{c_attn, c_proj}, ln_2, mlp.{c_fc, c_proj}},
ln_f}``, then ``lm_head``, tied to ``wte``; ``apply(_init_weights)`` (children first, so the tied matrix ends with
``lm_head``'s draw), then the ``c_proj`` weights drawn again with std 0.02 / sqrt(2 L).
"""

from __future__ import annotations

import math


def nanogpt(vocab_size: int, n_embd: int, n_head: int, n_layer: int, block_size: int, dropout: float = 0.0,
            gelu: str = "none"):
    """No biases, pre-LayerNorm blocks, ``scaled_dot_product_attention(is_causal=True)``, tied output, GPT-2
    initialisation. ``gelu``: "none" (exact, nanoGPT's ``nn.GELU()``) or "tanh". ``model(idx, targets)``
    returns the mean cross-entropy."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    C, H, L, V = n_embd, n_head, n_layer, vocab_size

    class LayerNorm(nn.Module):  # nanoGPT's: a weight, no bias, eps 1e-5; draws nothing
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(C))

        def forward(self, x):
            return F.layer_norm(x, self.weight.shape, self.weight, None, 1e-5)

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(C, 3 * C, bias=False)
            self.c_proj = nn.Linear(C, C, bias=False)
            self.resid_dropout = nn.Dropout(dropout)

        def forward(self, x):
            b, t, _ = x.shape
            q, k, v = self.c_attn(x).split(C, dim=2)
            q, k, v = (z.view(b, t, H, C // H).transpose(1, 2) for z in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout if self.training else 0.0, is_causal=True)
            return self.resid_dropout(self.c_proj(y.transpose(1, 2).contiguous().view(b, t, C)))

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_fc = nn.Linear(C, 4 * C, bias=False)
            self.c_proj = nn.Linear(4 * C, C, bias=False)
            self.dropout = nn.Dropout(dropout)

        def forward(self, x):
            return self.dropout(self.c_proj(F.gelu(self.c_fc(x), approximate=gelu)))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = LayerNorm()
            self.attn = CausalSelfAttention()
            self.ln_2 = LayerNorm()
            self.mlp = MLP()

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = nn.ModuleDict(dict(
                wte=nn.Embedding(V, C), wpe=nn.Embedding(block_size, C), drop=nn.Dropout(dropout),
                h=nn.ModuleList([Block() for _ in range(L)]), ln_f=LayerNorm()))
            self.lm_head = nn.Linear(C, V, bias=False)
            self.transformer.wte.weight = self.lm_head.weight
            self.apply(self._init_weights)
            for name, p in self.named_parameters():
                if name.endswith("c_proj.weight"):
                    nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * L))

        @staticmethod
        def _init_weights(module):
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, mean=0.0, std=0.02)

        def forward(self, idx, targets):
            tr = self.transformer
            x = tr.drop(tr.wte(idx) + tr.wpe(torch.arange(idx.shape[1])))
            for blk in tr.h:
                x = blk(x)
            logits = self.lm_head(tr.ln_f(x))
            return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)

    return GPT()


def adamw(model, lr: float = 1e-3, betas=(0.9, 0.99), weight_decay: float = 0.1):
    """nanoGPT's configure_optimizers: decay on 2-D parameters only (its CPU path: not fused)."""
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    other = [p for p in params if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": other, "weight_decay": 0.0}], lr=lr, betas=betas)


def load_corpuskit_params(model, params: dict) -> None:
    """Set the model's weights to corpuskit's parameter dict (``corpuskit.gpt.model.init_params``): corpuskit keeps
    a linear layer's matrix as (in, out), PyTorch as (out, in)."""
    import torch

    tr = model.transformer
    with torch.no_grad():
        tr.wte.weight.copy_(torch.from_numpy(params["wte"]))
        tr.wpe.weight.copy_(torch.from_numpy(params["wpe"]))
        for i, blk in enumerate(tr.h):
            p = f"h{i}."
            blk.ln_1.weight.copy_(torch.from_numpy(params[p + "ln_1.w"]))
            blk.ln_2.weight.copy_(torch.from_numpy(params[p + "ln_2.w"]))
            for lin, name in ((blk.attn.c_attn, "attn.c_attn.w"), (blk.attn.c_proj, "attn.c_proj.w"),
                              (blk.mlp.c_fc, "mlp.c_fc.w"), (blk.mlp.c_proj, "mlp.c_proj.w")):
                lin.weight.copy_(torch.from_numpy(params[p + name].T.copy()))
        tr.ln_f.weight.copy_(torch.from_numpy(params["ln_f.w"]))
