#!/usr/bin/env bash
# Prove that the llama.cpp inside the bundle runs on an older CPU than the build
# machine's: load the bundled libraries on an emulated CPU (qemu-user, default
# Haswell = x86-64-v3, no AVX-512) and generate a few tokens with the app's Engine.
# A build compiled for the CI machine's CPU dies here with "Illegal instruction".
#
#   bash packaging/check_portable.sh [QEMU_CPU]       (needs: apt-get install qemu-user)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(command -v "${PYTHON:-python}")"
CPU="${1:-Haswell}"
LIBS=dist/companion/_internal/llama_cpp/lib

command -v qemu-x86_64 >/dev/null \
    || { echo "check_portable: error: qemu-x86_64 is missing (apt-get install qemu-user)" >&2; exit 2; }
[[ -d "$LIBS" ]] || { echo "check_portable: error: no bundle: run python packaging/build.py" >&2; exit 1; }

# The installed llama_cpp Python code (same version) with the bundle's libraries.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pkg=$("$PY" -c "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('llama_cpp').origin))")
cp -r "$pkg" "$tmp/llama_cpp"
rm -rf "$tmp/llama_cpp/lib"
cp -r "$LIBS" "$tmp/llama_cpp/lib"

start=$(date +%s)
set +e
OMP_WAIT_POLICY=PASSIVE qemu-x86_64 -cpu "$CPU" "$PY" - "$tmp" "$PWD/dist/companion/models" > "$tmp/out.txt" 2> "$tmp/err.txt" <<'EOF'
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import llama_cpp
assert llama_cpp.__file__.startswith(sys.argv[1]), llama_cpp.__file__
from companion.tutor.engine import Engine, Sampling
model = sorted(Path(sys.argv[2]).glob("*.gguf"))[0]
engine = Engine(model, n_ctx=256, sampling=Sampling(temperature=0.0))
text = "".join(engine.stream_chat([{"role": "user", "content": "What is a token?"}], max_tokens=8))
print(engine.last.completion_tokens, repr(text))
EOF
code=$?
set -e
if [[ $code -ne 0 ]]; then
    grep -v "TCG doesn't support" "$tmp/err.txt" | tail -3 >&2
    echo "check_portable: error: the bundled llama.cpp fails on a $CPU CPU (exit $code)" >&2
    exit 1
fi
read -r tokens text < "$tmp/out.txt"
echo "check_portable: bundled llama.cpp generated $tokens tokens on an emulated $CPU CPU" \
     "in $(( $(date +%s) - start )) s: $text"
