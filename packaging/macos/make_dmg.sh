#!/usr/bin/env bash
# Make a compressed, read-only DMG with the app and a link to /Applications (drag to install).
#
#   packaging/macos/make_dmg.sh "packaging/out/dist/Kombo Desktop.app" out.dmg "Kombo Desktop"
set -euo pipefail
app="${1:?usage: make_dmg.sh APP DMG VOLUME_NAME}"
dmg="${2:?usage: make_dmg.sh APP DMG VOLUME_NAME}"
volume="${3:?usage: make_dmg.sh APP DMG VOLUME_NAME}"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
# ditto keeps symlinks, extended attributes and the signature intact (cp -R may not).
ditto "$app" "$staging/$(basename "$app")"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "$volume" -srcfolder "$staging" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 -ov "$dmg"
hdiutil verify "$dmg"
echo "[dmg] wrote $dmg"
