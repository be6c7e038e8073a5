#!/usr/bin/env bash
# Start the built app the way a learner does, on a real X server (Xvfb), and time it:
#   1. a new learner: the Welcome dialog appears; Enter accepts today's date;
#   2. a returning learner (same profile): the main window appears directly.
# Each launch is quit with Ctrl+Q and must exit 0. Needs Xvfb and xdotool
# (Debian: apt-get install xvfb xdotool libxcb-icccm4 libxcb-keysyms1); ImageMagick's
# `import`, if present, saves screenshots to build/gui-*.png.
#
#   bash packaging/gui_smoke.sh [dist/companion]
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE="${1:-dist/companion}"
for tool in Xvfb xdotool; do
    command -v "$tool" >/dev/null || { echo "gui_smoke: error: $tool is not installed" >&2; exit 2; }
done

DISPLAY_NO=":$(( 90 + RANDOM % 100 ))"
Xvfb "$DISPLAY_NO" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
profile=$(mktemp -d)
app=""
cleanup() {
    if [[ -n "$app" ]]; then kill "$app" 2>/dev/null || true; fi
    kill "$xvfb" 2>/dev/null || true
    rm -rf "$profile"
}
trap cleanup EXIT
for _ in $(seq 100); do DISPLAY=$DISPLAY_NO xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done

x() { DISPLAY=$DISPLAY_NO xdotool "$@"; }
shot() {
    if command -v import >/dev/null; then
        import -display "$DISPLAY_NO" -window root "build/gui-$1.png" || true
    fi
}

launch() {  # $1: title to wait for; sets $app, $wid, $ms
    local start
    start=$(date +%s%N)
    env -i PATH=/usr/bin:/bin HOME="$HOME" DISPLAY="$DISPLAY_NO" COMPANION_HOME="$profile" \
        "$BUNDLE/companion" >>build/gui-smoke.log 2>&1 &
    app=$!
    wid=$(timeout 60 env DISPLAY="$DISPLAY_NO" xdotool search --sync --onlyvisible --name "$1" | head -1)
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [[ -z "$wid" ]]; then
        echo "gui_smoke: error: no '$1' window within 60 s (see build/gui-smoke.log)" >&2
        exit 1
    fi
}
quit() {  # Ctrl+Q, then the app must end by itself with exit code 0
    x windowfocus --sync "$wid" key ctrl+q
    for _ in $(seq 150); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$app" 2>/dev/null; then
        echo "gui_smoke: error: the app did not quit on Ctrl+Q" >&2
        exit 1
    fi
    wait "$app" || { echo "gui_smoke: error: the app exited with $?" >&2; exit 1; }
    app=""
}

mkdir -p build
: > build/gui-smoke.log
launch "Welcome"
echo "gui_smoke: new learner: Welcome dialog after ${ms} ms"
sleep 1 && shot welcome
x windowfocus --sync "$wid" key Return
wid=$(timeout 60 env DISPLAY="$DISPLAY_NO" xdotool search --sync --onlyvisible --name "LLM Study Companion" | head -1)
quit
launch "LLM Study Companion"
echo "gui_smoke: returning learner: main window after ${ms} ms"
sleep 3 && shot main
quit
echo "gui_smoke: both launches quit cleanly on Ctrl+Q"
