#!/usr/bin/env bash
# The dependency floor: run the core test suite on exact Polars and PyArrow versions.
#
#   bash .ci/floor.sh POLARS PYARROW            # e.g. bash .ci/floor.sh 2.1.0 18.0.0
#   bash .ci/floor.sh --bisect polars 26.0.1 V1 V2 ...   # lowest passing polars, pyarrow fixed
#   bash .ci/floor.sh --bisect pyarrow 2.1.0 V1 V2 ...   # lowest passing pyarrow, polars fixed
#
# Each try gets its own venv (FLOOR_VENVS, default /tmp/batchframe-floor) holding batchframe
# (editable, from this checkout), polars==POLARS, pyarrow==PYARROW, pytest and hypothesis, and
# nothing else: the tests that need an extra skip (tests/conftest.py). Candidate lists for
# --bisect go oldest first and the newest one is assumed to pass (it is not run); list them
# with `pip index versions polars`. The floor found this way is the one in pyproject.toml's
# `dependencies` and in .ci/run; re-run it when the code starts using newer Polars API.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENVS=${FLOOR_VENVS:-/tmp/batchframe-floor}

try() {  # try POLARS PYARROW -> the pytest exit status
    local venv="$VENVS/polars-$1-pyarrow-$2"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --upgrade pip
    fi
    "$venv/bin/python" -m pip install --quiet -e "$ROOT" "polars==$1" "pyarrow==$2" pytest hypothesis
    "$venv/bin/python" -c 'import polars, pyarrow; print("polars", polars.__version__, "pyarrow", pyarrow.__version__)'
    local status=0
    (cd "$ROOT" && "$venv/bin/python" -m pytest -q -p no:cacheprovider) > "$venv/pytest.log" 2>&1 || status=$?
    if [ "$status" -ne 0 ] && [ "$VERBOSE" = 1 ]; then cat "$venv/pytest.log"; else tail -n 1 "$venv/pytest.log"; fi
    return "$status"
}

if [ "${1:-}" != "--bisect" ]; then
    VERBOSE=1
    try "$1" "$2"  # pytest's status, 5 (no tests ran) included, is the script's
    exit
fi
VERBOSE=0

what=$2 fixed=$3
shift 3
candidates=("$@")
lo=0 hi=$((${#candidates[@]} - 1))
while [ "$lo" -lt "$hi" ]; do
    mid=$(((lo + hi) / 2))
    version=${candidates[$mid]}
    if [ "$what" = polars ]; then set -- "$version" "$fixed"; else set -- "$fixed" "$version"; fi
    if try "$@"; then
        echo "pass: $what $version"
        hi=$mid
    else
        echo "FAIL: $what $version (log: $VENVS/polars-$1-pyarrow-$2/pytest.log)"
        lo=$((mid + 1))
    fi
done
echo "lowest passing $what: ${candidates[$lo]}"
