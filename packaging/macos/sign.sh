#!/usr/bin/env bash
# Check the signature of the built "Kombo Desktop.app", or sign a DMG.
#
#   packaging/macos/sign.sh "packaging/out/dist/Kombo Desktop.app"
#   packaging/macos/sign.sh packaging/out/kombo-desktop-0.1.0-macos.dmg
#
# The .app itself is signed by PyInstaller while it builds (kombo_desktop.spec passes
# KOMBO_MAC_SIGN_IDENTITY and entitlements.plist: every binary, then the bundle, with the hardened
# runtime and a secure time stamp); here it is verified, and a DMG is signed with the same
# identity. Without KOMBO_MAC_SIGN_IDENTITY this says so and does nothing (ad-hoc signed build).
#
# A stable Developer ID signature matters beyond Gatekeeper: the Keychain remembers "Always
# Allow" for the program's signature, so an ad-hoc signed build asks for access to the API key's
# keychain item again after every update.
set -euo pipefail
target="${1:?usage: sign.sh APP_OR_DMG}"
identity="${KOMBO_MAC_SIGN_IDENTITY:-}"
if [ -z "$identity" ]; then
  echo "[sign] skipped: KOMBO_MAC_SIGN_IDENTITY is not set (the build stays ad-hoc signed)"
  exit 0
fi
case "$target" in
  *.app)
    codesign --verify --deep --strict --verbose=2 "$target"
    details="$(codesign --display --verbose=4 "$target" 2>&1)"
    echo "$details" | grep -F "Authority=$identity" >/dev/null || {
      echo "[sign] $target is not signed by $identity" >&2
      exit 1
    }
    echo "$details" | grep -E "flags=.*runtime" >/dev/null || {
      echo "[sign] $target lacks the hardened runtime (needed for notarization)" >&2
      exit 1
    }
    ;;
  *.dmg)
    codesign --force --timestamp --sign "$identity" "$target"
    codesign --verify --verbose=2 "$target"
    ;;
  *)
    echo "[sign] do not know how to sign $target" >&2
    exit 2
    ;;
esac
echo "[sign] $target is signed by $identity"
