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
