#!/usr/bin/env bash
# Installs the pinned Node packages the tests use, with `npm ci` from each committed
# package-lock.json: tests/support/node_reference (js-tiktoken, @lenml/tokenizers: the
# tokenizer reference test and bench/tokenizer_vs_tiktoken.sh) and
# tests/support/review_browser (puppeteer-core, which drives Debian's chromium in the
# review page's browser test). ops/test.sh runs this.
# Idempotent: a directory whose node_modules matches its lock file is left alone.
set -euo pipefail

support="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/support"

for program in node npm; do
  if ! command -v "$program" >/dev/null 2>&1; then
    echo "install-node-reference: $program is not installed (ops/packages.txt: nodejs, npm); run ops/setup.sh" >&2
    exit 1
  fi
done

# npm trusts only Node's bundled certificate authorities; add the system's, so that a
# machine behind a TLS-inspecting proxy (its CA installed with update-ca-certificates)
# reaches the registry too.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

for dir in "$support/node_reference" "$support/review_browser"; do
  stamp="$dir/node_modules/.longforge-lock.sha256"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "install-node-reference: already installed ($dir/node_modules)"
    continue
  fi
  echo "install-node-reference: npm ci in $dir"
  # puppeteer-core never downloads a browser (the tests use /usr/bin/chromium).
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
done
echo "install-node-reference: done"
