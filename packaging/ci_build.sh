#!/usr/bin/env bash
# CI: build the one-folder app, then run its self-test the way a new user would
# (no Python venv on PATH, nothing from the build environment), start the real GUI
# on Xvfb when it is installed (packaging/gui_smoke.sh), and print the numbers the
# README reports: build time, bundle size, start-to-window time.
#
#   bash packaging/ci_build.sh [build.py options]     e.g. --llama installed
#
# Needs the `package` extra (PyInstaller, Pillow) in the active Python.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"

if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    echo "ci_build: error: PyInstaller is missing: pip install -e '.[package]'" >&2
    exit 1
fi

start=$(date +%s)
"$PY" packaging/build.py "$@"
build_s=$(( $(date +%s) - start ))

clean_env=(env -i "PATH=/usr/bin:/bin" "HOME=$HOME" "QT_QPA_PLATFORM=offscreen")
[[ -n "${TMPDIR:-}" ]] && clean_env+=("TMPDIR=$TMPDIR")

echo "ci_build: self-test of the bundle in a clean environment (PATH=/usr/bin:/bin)"
"${clean_env[@]}" dist/companion/companion self-test --screenshot build/selftest-window.png

if command -v Xvfb >/dev/null && command -v xdotool >/dev/null; then
    echo "ci_build: the real GUI on an X server (Xvfb)"
    bash packaging/gui_smoke.sh
else
    echo "ci_build: GUI start on X11 skipped (apt-get install xvfb xdotool to run it)"
fi

if command -v qemu-x86_64 >/dev/null && [[ "$(uname -m)" == x86_64 ]]; then
    echo "ci_build: the bundled llama.cpp on an older CPU (qemu-user, Haswell)"
    PYTHON="$PY" bash packaging/check_portable.sh Haswell
else
    echo "ci_build: older-CPU check skipped (apt-get install qemu-user to run it)"
fi

# once more for the numbers (a second cold-ish start, same as a learner's second launch)
report=$("${clean_env[@]}" dist/companion/companion self-test --json)
"$PY" - "$report" "$build_s" <<'EOF'
import json, sys
from pathlib import Path
report, build_s = json.loads(sys.argv[1]), int(sys.argv[2])
summary = json.loads(Path("build/companion-build.json").read_text())
print(f"ci_build: build time {build_s} s (llama.cpp step {summary['llama_s']:.0f} s, "
      f"PyInstaller {summary['pyinstaller_s']:.0f} s)")
print(f"ci_build: bundle size {summary['bundle_mb']} MB (model {summary['model_mb']} MB; "
      f"llama.cpp {'portable' if summary['llama_portable'] else 'NATIVE'})")
print(f"ci_build: start-to-window {report['start_to_window_s']:.2f} s; "
      f"model {report.get('tokens_per_s')} tok/s; self-test {report['total_s']:.1f} s")
EOF
