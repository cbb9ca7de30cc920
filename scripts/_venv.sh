# Shared by the scripts in this folder: make (or reuse) .venv and install the project into it.
# Usage: source scripts/_venv.sh ".[test]"   (the extras to install)
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=_venv_lib.sh
source scripts/_venv_lib.sh
if ! python_bin="$(choose_python)"; then
  echo "Python $minimum_python or newer is needed; install it and run this again." >&2
  exit 1
fi
prepare_venv .venv "$python_bin"
install_project .venv "$1" kombo_desktop.app

# On Debian or Ubuntu, install the system libraries Qt needs and lacks (with sudo unless root):
# without them Qt stops with "no Qt platform plugin could be initialized", which names no way
# forward. If that cannot be done, say what is missing and how to install it.
qt_libraries_missing=""
if [ "$(uname -s)" = "Linux" ] && command -v dpkg >/dev/null 2>&1; then
  qt_libraries_missing="$(PYTHON=.venv/bin/python packaging/ci_linux.sh --missing-runtime-libraries)"
  if [ -n "$qt_libraries_missing" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the system libraries Qt needs:$qt_libraries_missing (apt-get)" >&2
    if PYTHON=.venv/bin/python packaging/ci_linux.sh --runtime-libraries >&2; then
      qt_libraries_missing=""
    fi
  fi
  if [ -n "$qt_libraries_missing" ]; then
    echo "Qt needs system libraries this computer lacks:$qt_libraries_missing." >&2
    echo "Install them with: packaging/ci_linux.sh --runtime-libraries" >&2
  fi
fi
