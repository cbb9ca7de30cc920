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

# Make the virtual environment $1 with Python $2 unless it is there.
prepare_venv() {
  local venv="$1" python_bin="$2"
  if [ ! -x "$venv/bin/python" ]; then
    "$python_bin" -m venv "$venv"
  fi
}

# Install the project in the current folder, with the extras $2 (".[test]"), into the virtual
# environment $1.
install_project() {
  local venv="$1" extras="$2"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet --editable "$extras"
}
