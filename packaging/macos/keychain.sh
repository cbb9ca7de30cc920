#!/usr/bin/env bash
# Put the Developer ID signing identity from CI secrets into a throw-away keychain, before
# PyInstaller runs (it signs every binary and the .app with KOMBO_MAC_SIGN_IDENTITY).
#
#   KOMBO_MAC_SIGN_IDENTITY     e.g. "Developer ID Application: Example GmbH (TEAMID1234)"
#   KOMBO_MAC_CERT_P12_BASE64   the certificate + private key (.p12) as base64
#   KOMBO_MAC_CERT_PASSWORD     the .p12 password
# Nothing to do when the identity is unset (ad-hoc signed build) or when no .p12 is given (the
# identity is expected in the login keychain, as on a developer's Mac).
set -euo pipefail
if [ -z "${KOMBO_MAC_SIGN_IDENTITY:-}" ]; then
  echo "[keychain] skipped: KOMBO_MAC_SIGN_IDENTITY is not set (the build stays ad-hoc signed)"
  exit 0
fi
if [ -z "${KOMBO_MAC_CERT_P12_BASE64:-}" ]; then
  echo "[keychain] using \"$KOMBO_MAC_SIGN_IDENTITY\" from the existing keychains"
  exit 0
fi
keychain="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/kombo-signing.keychain-db"
keychain_password="$(uuidgen)"
p12="$(mktemp -t kombo-cert).p12"
trap 'rm -f "$p12"' EXIT
printf '%s' "$KOMBO_MAC_CERT_P12_BASE64" | base64 --decode >"$p12"
security delete-keychain "$keychain" 2>/dev/null || true
security create-keychain -p "$keychain_password" "$keychain"
security set-keychain-settings -lut 7200 "$keychain"
security unlock-keychain -p "$keychain_password" "$keychain"
security import "$p12" -k "$keychain" -P "${KOMBO_MAC_CERT_PASSWORD:-}" \
  -T /usr/bin/codesign -T /usr/bin/security
security set-key-partition-list -S apple-tool:,apple:,codesign: -s \
  -k "$keychain_password" "$keychain" >/dev/null
# Ours first in the search list, the existing ones (login, System) after it.
# shellcheck disable=SC2046
security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
security find-identity -v -p codesigning "$keychain" | grep -F "$KOMBO_MAC_SIGN_IDENTITY" >/dev/null || {
  echo "[keychain] the .p12 does not hold \"$KOMBO_MAC_SIGN_IDENTITY\"" >&2
  exit 1
}
echo "[keychain] signing identity ready in $keychain"
