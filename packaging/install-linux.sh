#!/usr/bin/env bash
# Install the built app for the current user on Linux (no root needed):
#
#   packaging/install-linux.sh [BUNDLE_DIR]      # default: dist/companion
#   packaging/install-linux.sh --uninstall
#
# The program goes to ~/.local/opt/llm-study-companion (replaced on every install),
# `companion` to ~/.local/bin, and the menu entry, icons and AppStream metadata to
# ~/.local/share. The learner's notes live in the user data folder
# (~/.local/share/LLM Study Companion), which this script never touches.
set -euo pipefail

APP_ID=io.github.llm_study_companion
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
PREFIX="$HOME/.local/opt/llm-study-companion"
BIN="$HOME/.local/bin"
SIZES="16 24 32 48 64 128 256 512"

refresh_caches() {
    if command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$DATA/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null; then
        gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true
    fi
}

if [[ "${1:-}" == "--uninstall" ]]; then
    rm -rf "$PREFIX"
    if [[ -L "$BIN/companion" ]]; then rm -f "$BIN/companion"; fi
    rm -f "$DATA/applications/$APP_ID.desktop" "$DATA/metainfo/$APP_ID.metainfo.xml" \
          "$DATA/icons/hicolor/scalable/apps/$APP_ID.svg"
    for s in $SIZES; do rm -f "$DATA/icons/hicolor/${s}x${s}/apps/$APP_ID.png"; done
    refresh_caches
    echo "Removed the app. Your notes and progress are still in $DATA/LLM Study Companion."
    exit 0
fi

BUNDLE="${1:-$ROOT/dist/companion}"
if [[ ! -x "$BUNDLE/companion" ]]; then
    echo "install-linux: error: no built app in $BUNDLE (run: python packaging/build.py)" >&2
    exit 1
fi

# Copy beside, then swap, so a failed copy never leaves a half-installed app.
mkdir -p "$(dirname "$PREFIX")" "$BIN" "$DATA/applications" "$DATA/metainfo" \
         "$DATA/icons/hicolor/scalable/apps"
rm -rf "$PREFIX.new"
cp -a "$BUNDLE" "$PREFIX.new"
rm -rf "$PREFIX"
mv "$PREFIX.new" "$PREFIX"
ln -sfn "$PREFIX/companion" "$BIN/companion"

sed -e "s|^Exec=.*|Exec=$PREFIX/companion|" -e "s|^TryExec=.*|TryExec=$PREFIX/companion|" \
    "$ROOT/assets/$APP_ID.desktop" > "$DATA/applications/$APP_ID.desktop"
cp "$ROOT/assets/$APP_ID.metainfo.xml" "$DATA/metainfo/"
cp "$ROOT/assets/companion.svg" "$DATA/icons/hicolor/scalable/apps/$APP_ID.svg"
for s in $SIZES; do
    mkdir -p "$DATA/icons/hicolor/${s}x${s}/apps"
    cp "$ROOT/assets/png/companion-$s.png" "$DATA/icons/hicolor/${s}x${s}/apps/$APP_ID.png"
done
refresh_caches
echo "Installed to $PREFIX; start it from the menu or with: companion"
