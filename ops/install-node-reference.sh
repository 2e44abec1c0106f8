#!/usr/bin/env bash
# Installs the Node reference tokenizers of tests/support/node_reference (js-tiktoken,
# @lenml/tokenizers) with `npm ci` from the committed package-lock.json. The tokenizer
# reference test and bench/tokenizer_vs_tiktoken.sh need them; ops/test.sh runs this.
# Idempotent: returns at once when node_modules matches the lock file.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/support/node_reference"

for program in node npm; do
  if ! command -v "$program" >/dev/null 2>&1; then
    echo "install-node-reference: $program is not installed (ops/packages.txt: nodejs, npm); run ops/setup.sh" >&2
    exit 1
  fi
done

stamp="$dir/node_modules/.longforge-lock.sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "install-node-reference: already installed ($dir/node_modules)"
  exit 0
fi

# npm trusts only Node's bundled certificate authorities; add the system's, so that a
# machine behind a TLS-inspecting proxy (its CA installed with update-ca-certificates)
# reaches the registry too.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
echo "install-node-reference: npm ci in $dir"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" >"$stamp"
echo "install-node-reference: done"
