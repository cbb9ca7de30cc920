#!/usr/bin/env bash
# CI on a Debian-like machine, as root: build the .deb with the one documented command, install
# it with apt (which pulls in the system libraries its Depends names), and run the *installed*
# program's self-test off screen. Any failure fails the run.
#
#   packaging/ci_linux.sh            (from anywhere; uses the repository's .venv)
#   packaging/ci_linux.sh --runtime-libraries
#       only installs the system libraries the program needs at run time (the .deb's Depends,
#       from bundle_rules.py), e.g. before the test suite: the self-test test loads Qt's xcb
#       plugin, which needs libxcb-icccm4, libxcb-keysyms1 and friends.
#   packaging/ci_linux.sh --missing-runtime-libraries
#       only prints those of them that are not installed (nothing when all are).
#
# What this proves: the package installs on a clean system, every library it links against is
# either bundled or declared, and the installed copy finds its resources, keyring backend, CA
# bundle, Qt platform plugins, renders a QR code and builds its window.
set -euo pipefail
started=$(date +%s)
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
export DEBIAN_FRONTEND=noninteractive

if [ "${1:-}" = "--runtime-libraries" ] || [ "${1:-}" = "--missing-runtime-libraries" ]; then
  packages="$("${PYTHON:-python3}" -c 'import sys; sys.path.insert(0, "packaging"); import bundle_rules as r
print(" ".join(p.split(" ")[0] for p in r.linux_depends() if not p.startswith("libc6")))')"
  # Installed under its own name, or provided by another installed package (Ubuntu 24.04's
  # libglib2.0-0t64 provides libglib2.0-0, which dpkg -s alone reports missing for ever).
  provided="$(dpkg-query -W -f='${db:Status-Abbrev} ${Provides}\n' 2>/dev/null | sed -n 's/^ii *//p')"
  missing=""
  for package in $packages; do
    dpkg -s "$package" >/dev/null 2>&1 ||
      printf '%s\n' "$provided" | grep -Eq "(^|, )${package//./\\.}( |,|$)" ||
      missing="$missing $package"
  done
  if [ "$1" = "--missing-runtime-libraries" ]; then
    echo "$missing"  # only says which are missing (scripts/_venv.sh), installs nothing
    exit 0
  fi
  if [ -n "$missing" ]; then
    $as_root apt-get update -qq
    # shellcheck disable=SC2086
    $as_root apt-get install -y -qq --no-install-recommends $missing
  fi
  echo "runtime libraries present: $packages"
  exit 0
fi

echo "== packaging tools (dpkg-deb, binutils for strip)"
need=""
command -v dpkg-deb >/dev/null || need="$need dpkg"
command -v strip >/dev/null || need="$need binutils"
command -v file >/dev/null || need="$need file"
command -v xvfb-run >/dev/null || need="$need xvfb xauth"
if [ -n "$need" ]; then
  $as_root apt-get update -qq
  $as_root apt-get install -y -qq --no-install-recommends $need
fi

echo "== project venv with PyInstaller"
# shellcheck source=../scripts/_venv.sh
source scripts/_venv.sh ".[package]"

echo "== build (python packaging/build.py)"
build_started=$(date +%s)
.venv/bin/python packaging/build.py --skip-self-test
echo "build took $(($(date +%s) - build_started)) s"

version="$(.venv/bin/python -c 'import kombo_desktop; print(kombo_desktop.__version__)')"
arch="$(dpkg --print-architecture)"
# The package's name carries the version in dpkg's form (0.2.0rc1 -> 0.2.0~rc1).
deb="$repo/packaging/out/$(.venv/bin/python -c 'import sys; sys.path.insert(0, "packaging")
import bundle_rules as r; print(r.deb_file_name(r.read_version(), sys.argv[1]))' "$arch")"
tarball="$(ls "$repo"/packaging/out/kombo-desktop-"$version"-linux-*.tar.gz)"
test -s "$deb"
test -s "$tarball"

echo "== install $deb (apt resolves Depends)"
if dpkg -s kombo-desktop >/dev/null 2>&1; then
  $as_root dpkg --purge kombo-desktop
fi
$as_root apt-get update -qq
$as_root apt-get install -y -qq --no-install-recommends "$deb"
dpkg -s kombo-desktop | grep -E "^(Status|Version):"
# Nothing left unresolved: every library of the installed copy is found on this system.
if find /opt/kombo-desktop -type f \( -name "*.so*" -o -perm -u+x \) -print0 |
  LD_LIBRARY_PATH=/opt/kombo-desktop/_internal xargs -0 ldd 2>/dev/null |
  grep "not found"; then
  echo "installed copy has unresolved libraries (see above)" >&2
  exit 1
fi
# The declared libc6 covers the newest glibc symbol version any installed file needs (read by
# binutils here, independently of build.py's own reader), so apt refuses older systems.
declared_glibc="$(dpkg-query -W -f='${Depends}' kombo-desktop | sed -n 's/^libc6 (>= \([0-9.]*\)).*/\1/p')"
needed_glibc="$(find /opt/kombo-desktop -type f -print0 | xargs -0 objdump -T 2>/dev/null |
  grep -o 'GLIBC_2\.[0-9]*' | sort -uV | tail -1 | sed 's/GLIBC_//')" || true  # objdump: non-ELF
echo "declared libc6 >= $declared_glibc, files need glibc ${needed_glibc:-(none)}"
newest="$(printf '%s\n%s\n' "${needed_glibc:-2.0}" "${declared_glibc:-0}" | sort -V | tail -1)"
if [ -z "$declared_glibc" ] || [ "$newest" != "$declared_glibc" ]; then
  echo "the package declares libc6 >= ${declared_glibc:-(nothing)} but its files need glibc $needed_glibc" >&2
  exit 1
fi
# The licences of what the program contains: Debian's copyright file, the same as the
# program folder's THIRD-PARTY-NOTICES.txt, with Qt's LGPL text.
test -s /usr/share/doc/kombo-desktop/copyright
cmp /usr/share/doc/kombo-desktop/copyright /opt/kombo-desktop/THIRD-PARTY-NOTICES.txt
grep -q "GNU LESSER GENERAL PUBLIC LICENSE" /usr/share/doc/kombo-desktop/copyright
grep -q "^Python package: httpx " /usr/share/doc/kombo-desktop/copyright
test -x /usr/bin/kombo-desktop
test -f /usr/share/applications/kombo-desktop.desktop
test -f /usr/share/icons/hicolor/256x256/apps/kombo-desktop.png
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate /usr/share/applications/kombo-desktop.desktop
fi

echo "== installed program: --version and --self-test (off screen, no credential service)"
/usr/bin/kombo-desktop --version | grep -F "$version"
home="$(mktemp -d)"
report="$(cd "$home" && env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen \
  KOMBO_DESKTOP_HOME="$home" HOME="$home" DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent" \
  /usr/bin/kombo-desktop --self-test)" || {
  echo "$report"
  echo "the installed program's self-test failed" >&2
  exit 1
}
echo "$report"
echo "$report" | .venv/bin/python -c '
import json, sys
report = json.loads(sys.stdin.read().strip().splitlines()[-1])
assert report["ok"] is True, report
for name in ("keyring", "ca_bundle", "qr", "window", "tool_catalog", "resources", "qt_platform"):
    assert report["checks"][name]["ok"], name
print("self-test: all %d checks passed in %.0f ms" % (len(report["checks"]), report["total_ms"]))
'

echo "== installed program on a real X server (Xvfb): the window is built with Qt's xcb plugin"
report="$(cd "$home" && env -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM KOMBO_DESKTOP_HOME="$home" \
  HOME="$home" DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent" \
  xvfb-run -a /usr/bin/kombo-desktop --self-test)"
echo "$report" | .venv/bin/python -c '
import json, sys
report = json.loads(sys.stdin.read().strip().splitlines()[-1])
assert report["ok"] is True, report
assert " on xcb " in report["checks"]["window"]["detail"], report["checks"]["window"]
print("self-test on xcb: all %d checks passed" % len(report["checks"]))
'
rm -rf "$home"

echo "== installed program: PySide6's code kept by a first start, loaded by the next"
# The program's own start-up step imports PySide6 before PyInstaller's does (see
# pyside_code_rthook.py); a first start saves the code after its first frame, and a second
# one that finds all it needs writes nothing.
home="$(mktemp -d)"
start_briefly() {  # start the demo off screen; stop it once $1 holds, or after 90 s
  env -C "$home" -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen \
    KOMBO_DESKTOP_HOME="$home" HOME="$home" DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent" \
    /usr/bin/kombo-desktop --demo >/dev/null 2>&1 &
  local program=$! started=$SECONDS
  until "$1" || ((SECONDS - started > 90)); do sleep 0.5; done
  kill -TERM "$program" 2>/dev/null || true
  wait "$program" || true
}
kept() { ls "$home"/cache/pyside-start-code-*.bin >/dev/null 2>&1; }
start_briefly kept
kept || { echo "the installed program did not keep PySide6's compiled code" >&2; exit 1; }
before="$(stat -c %Y.%i "$home"/cache/pyside-start-code-*.bin)"
# The second start: long enough after its first frame (its log written then) for a save.
second_logged() { (($(grep -c " starting " "$home"/logs/kombo-desktop.log) >= 2)) && sleep 5; }
start_briefly second_logged
after="$(stat -c %Y.%i "$home"/cache/pyside-start-code-*.bin)"
[ "$before" = "$after" ] || { echo "the second start compiled PySide6's code again" >&2; exit 1; }
echo "kept by the first start and loaded by the second"
rm -rf "$home"

echo "== portable tar.gz: unpack and self-test"
unpacked="$(mktemp -d)"
tar -xzf "$tarball" -C "$unpacked"
test -s "$unpacked/kombo-desktop-$version/THIRD-PARTY-NOTICES.txt"
(cd "$unpacked" && env -u DISPLAY QT_QPA_PLATFORM=offscreen KOMBO_DESKTOP_HOME="$unpacked/home" \
  ./kombo-desktop-"$version"/kombo-desktop --self-test >/dev/null)
rm -rf "$unpacked"

echo "== uninstall"
$as_root dpkg --purge kombo-desktop
test ! -e /usr/bin/kombo-desktop
test ! -e /opt/kombo-desktop

echo "packaging/ci_linux.sh passed in $(($(date +%s) - started)) s"
