#!/usr/bin/env bash
# Notarize a signed "Kombo Desktop.app" or DMG with Apple and staple the ticket to it, so
# Gatekeeper accepts it on a laptop without internet access.
#
#   packaging/macos/notarize.sh "packaging/out/dist/Kombo Desktop.app"
#   packaging/macos/notarize.sh packaging/out/kombo-desktop-0.1.0-macos.dmg
#
# Credentials (CI secrets); when any is missing, or the build is not signed, this is skipped:
#   KOMBO_NOTARY_APPLE_ID       the Apple ID of a developer-team member
#   KOMBO_NOTARY_PASSWORD       an app-specific password for that Apple ID
#   KOMBO_NOTARY_TEAM_ID        the ten-character team id
set -euo pipefail
target="${1:?usage: notarize.sh APP_OR_DMG}"
if [ -z "${KOMBO_MAC_SIGN_IDENTITY:-}" ]; then
  echo "[notarize] skipped: the build is not signed (KOMBO_MAC_SIGN_IDENTITY is not set)"
  exit 0
fi
for variable in KOMBO_NOTARY_APPLE_ID KOMBO_NOTARY_PASSWORD KOMBO_NOTARY_TEAM_ID; do
  if [ -z "${!variable:-}" ]; then
    echo "[notarize] skipped: $variable is not set"
    exit 0
  fi
done

submission="$target"
if [ -d "$target" ]; then
  # notarytool takes a zip, a DMG or a pkg; ditto keeps the bundle's symlinks and metadata.
  submission="$(mktemp -d)/$(basename "$target" .app).zip"
  ditto -c -k --keepParent "$target" "$submission"
fi
xcrun notarytool submit "$submission" \
  --apple-id "$KOMBO_NOTARY_APPLE_ID" --password "$KOMBO_NOTARY_PASSWORD" \
  --team-id "$KOMBO_NOTARY_TEAM_ID" --wait --timeout 30m --output-format json | tee /tmp/notary.json
if ! grep -q '"status" *: *"Accepted"' /tmp/notary.json; then
  id="$(sed -n 's/.*"id" *: *"\([^"]*\)".*/\1/p' /tmp/notary.json | head -n1)"
  [ -n "$id" ] && xcrun notarytool log "$id" --apple-id "$KOMBO_NOTARY_APPLE_ID" \
    --password "$KOMBO_NOTARY_PASSWORD" --team-id "$KOMBO_NOTARY_TEAM_ID" || true
  echo "[notarize] Apple did not accept $target" >&2
  exit 1
fi
xcrun stapler staple "$target"
xcrun stapler validate "$target"
echo "[notarize] notarized and stapled $target"
