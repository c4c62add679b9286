#!/usr/bin/env bash
# The model-core demo, without Spark: it encodes a few
# sentences with a real pretrained model (default all-minilm-l6-v2) and prints their similarities.
# Usage: scripts/demo.sh [MODEL]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_built
exec java "${JAVA_FLAGS[@]}" -cp "$(runtime_cp)" io.corpusencoder.core.cli.Demo "$@"
