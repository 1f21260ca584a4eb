#!/usr/bin/env bash
# Onboards new hires from a CSV, using only the `berth` CLI: for each row, the account (created
# or brought up to date), a token on their behalf (written to TOKENS_DIR/<email>.token, mode 600)
# and a workspace from TEMPLATE, created with their token so it is theirs. Safe to run again: a
# second run changes nothing and says so.
#
# Usage: examples/onboard.sh HIRES.csv TEMPLATE [TOKENS_DIR]
#   HIRES.csv: a header line, then `email,name,role[,workspace]` (role: developer or admin;
#   workspace defaults to "dev"). No commas inside fields; lines starting with # are skipped.
#   The caller is an admin: BERTH_URL and BERTH_TOKEN, or a `berth login` beforehand.
#   BERTH (default: `berth` on PATH, else `npx --no-install berth`) is how the CLI is run.
#
# Exit status: 0 when every hire is set up, else the CLI's exit code of the first failure
# (see README "Scripts and CLI").
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 1
fi
csv=$1
template=$2
tokens_dir=${3:-./onboarding-tokens}
if [[ -n "${BERTH:-}" ]]; then
  read -r -a berth <<<"$BERTH"
elif command -v berth >/dev/null; then
  berth=(berth)
else
  berth=(npx --no-install berth)
fi

mkdir -p "$tokens_dir"
chmod 700 "$tokens_dir"
changes=0
hires=0

while IFS=, read -r email name role workspace || [[ -n "${email:-}" ]]; do
  email=${email//[$'\r ']/}
  [[ -z "$email" || "$email" == \#* || "$email" == email ]] && continue
  hires=$((hires + 1))
  role=${role//[$'\r ']/}
  workspace=${workspace//[$'\r ']/}
  workspace=${workspace:-dev}
  token_file="$tokens_dir/$email.token"

  # The account: PUT by email, so a second run finds it as it is. A token only if none was
  # handed over yet (the file is the record of that).
  name_opt=()
  [[ -n "${name// /}" ]] && name_opt=(--name "$name")
  account=$("${berth[@]}" users add "$email" "${name_opt[@]}" --role "${role:-developer}" --token-out "$token_file")
  echo "$account"
  [[ "$account" == *": created"* ]] && changes=$((changes + 1))
  [[ "$account" == *"token "*" written to "* ]] && changes=$((changes + 1))

  # The workspace, made with the hire's own token so they own it; one that exists is left alone.
  ws=$(BERTH_TOKEN=$(<"$token_file") "${berth[@]}" ws create "$workspace" --template "$template" --exist-ok --wait)
  echo "$email: workspace $ws"
  [[ "$ws" == *": created"* ]] && changes=$((changes + 1))
done <"$csv"

if [[ $changes -eq 0 ]]; then
  echo "onboard: nothing to do: all $hires hire(s) already have an account, a token and a workspace"
else
  echo "onboard: $hires hire(s), $changes change(s)"
fi
