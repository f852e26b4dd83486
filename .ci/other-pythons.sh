#!/usr/bin/env bash
# Import-and-connect check on the other Python versions this machine has (pyenv), so 3.12 and
# 3.13 keep working; CI's main test run uses the machine's python3.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for minor in 3.12 3.13; do
  py=$(ls -d "$root"/versions/"$minor".*/bin/python3 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$py" ]; then
    echo "Python $minor: not on this machine, skipped"
    continue
  fi
  venv=".venv-$minor"
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -c constraints.txt .
  (cd /tmp && timeout 120 "$OLDPWD/$venv/bin/python" -m bot.smoke)
done
