#!/usr/bin/env bash
# Embeds JSON lines {"id", "text"} with model-core alone (no Spark). --help lists the options.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_built
exec java "${JAVA_FLAGS[@]}" -cp "$(runtime_cp)" io.corpusencoder.core.cli.EmbedCli "$@"
