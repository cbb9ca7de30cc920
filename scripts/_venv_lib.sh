# The steps of scripts/_venv.sh as functions, so that the tests can run each one on a throw-away
# project and virtual environment (tests/packaging/test_venv_scripts.py). Defines, runs nothing.

minimum_python="3.11"

# Print the first Python on the PATH that is new enough (or $PYTHON when set); fail if none is.
choose_python() {
  if [ -n "${PYTHON:-}" ]; then
    echo "$PYTHON"
    return 0
  fi
  local candidate
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && python_is_new_enough "$candidate"; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

python_is_new_enough() {
  "$1" -c "import sys; sys.exit(sys.version_info < tuple(map(int, '$minimum_python'.split('.'))))" \
    2>/dev/null
}

# Make the virtual environment $1 with Python $2, or make it again when it cannot be used: one
# made by an older Python, one without pip, or one whose Python was removed (pyenv uninstall,
# brew cleanup) would otherwise fail the same way at every run.
prepare_venv() {
  local venv="$1" python_bin="$2" problem
  if [ ! -e "$venv" ] && [ ! -L "$venv" ]; then
    "$python_bin" -m venv "$venv"
  elif problem="$(venv_problem "$venv")"; then
    echo "The $venv folder cannot be used ($problem); making it again with $python_bin." >&2
    "$python_bin" -m venv --clear "$venv"
  fi
}

# Print what makes the virtual environment $1 unusable and succeed; fail when it is usable.
venv_problem() {
  local venv="$1" problem
  # -I: the venv's own Python alone, not a pip or a version found through PYTHONPATH.
  if problem="$("$venv/bin/python" -I -c '
import sys
needed = sys.argv[1]
if sys.version_info < tuple(map(int, needed.split("."))):
    found = sys.version.split()[0]
    print("it was made with Python %s, and %s or newer is needed" % (found, needed))
    sys.exit(1)
try:
    import pip  # noqa: F401
except ImportError:
    print("it has no pip")
    sys.exit(1)
' "$minimum_python" 2>/dev/null)"; then
    return 1
  fi
  echo "${problem:-its Python is missing or does not start}"
}

# Install the project in the current folder, with the extras $2 (".[test]"), into the virtual
# environment $1; $3 is a module whose import shows the program is installed; $4, if given, a
# constraints file pip must follow (scripts/run-release-qt-tests: the release builds' Qt).
#
# pip needs the package index even when nothing changed (the editable install fetches its build
# backend), so without a network the program would never start. A stamp in the venv records
# what the last successful install was for (pyproject.toml, the extras, the Python, the folder,
# the constraints file's content): while it matches, pip is not run at all. When pip fails but
# the program is installed, the scripts go on with what is there.
install_project() {
  local venv="$1" extras="$2" program_module="$3" constraints="${4:-}" stamp stamp_file
  local follow=()
  if [ -n "$constraints" ]; then
    follow=(--constraint "$constraints")
  fi
  stamp_file="$venv/.installed-for-${extras//[^A-Za-z0-9]/_}"
  stamp="$(install_stamp "$venv" "$extras" "$constraints")"
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
    return 0
  fi
  rm -f "$stamp_file"
  # pip is quiet (--quiet) while it downloads Qt, which takes minutes on a first run: say so.
  echo "Setting up $venv (first run, or the dependencies changed): this downloads Qt and" \
    "can take a few minutes." >&2
  # ${follow[@]+...}: an empty array is "unbound" to set -u in the bash of macOS (3.2).
  if "$venv/bin/python" -m pip install --quiet --upgrade pip &&
    "$venv/bin/python" -m pip install --quiet ${follow[@]+"${follow[@]}"} --editable "$extras"; then
    echo "$stamp" >"$stamp_file"
  elif "$venv/bin/python" -I -c "import $program_module" 2>/dev/null; then
    echo "Could not bring the installation up to date (is the internet reachable?);" \
      "going on with the one installed before." >&2
  else
    echo "Installing the program and what it needs failed (see above); the first set-up" \
      "needs the internet." >&2
    return 1
  fi
}

# Print what the stamp of an install of the extras $2 into the venv $1 holds, with the
# constraints file $3 if one is given (an install without one keeps the stamp it always had).
install_stamp() {
  "$1/bin/python" -I -c '
import hashlib, os, sys
digest = hashlib.sha256()
with open("pyproject.toml", "rb") as project:
    digest.update(project.read())
for part in (sys.argv[1], sys.version, os.getcwd()):
    digest.update(b"\0" + part.encode())
if sys.argv[2]:
    with open(sys.argv[2], "rb") as constraints:
        digest.update(b"\0" + sys.argv[2].encode() + b"\0" + constraints.read())
print(digest.hexdigest())
' "$2" "${3:-}"
}
