#!/usr/bin/env bash
# Tries the README's two commands as a new user would, on a fresh Debian 12: builds a
# minbase bookworm root with debootstrap (from this machine's configured Debian mirror),
# adds git and ca-certificates, clones this repository's committed HEAD into it with
# ../shared beside it, and runs
#   1. ./ops/setup.sh && ./build/longforge run --input examples/docs --out out/
#   2. ./ops/test.sh
# there, then prints each one's exit status, wall time, build time and test counts.
# Not part of CI (about 25 minutes on an otherwise idle 2-core machine). Needs root
# (debootstrap, chroot, mount). It copies only the network set-up into the root (DNS,
# hosts, locally added certificate authorities); everything else comes from the commands.
#   ops/fresh-check.sh [WORKDIR]     default /tmp/longforge-fresh; logs in WORKDIR/*.log
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${LONGFORGE_SHARED:-$(cd "$repo/.." && pwd)/shared}"
work="${1:-/tmp/longforge-fresh}"
root="$work/root"

if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-check: needs root (debootstrap, chroot and mount)" >&2
  exit 1
fi
[ -d "$shared" ] || { echo "fresh-check: $shared is absent (the data the tests read)" >&2; exit 1; }
if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

# The first Debian mirror this machine's apt uses (deb822 .sources or one-line lists).
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
  awk '/^URIs:/ && $2 ~ /debian\/?$/ { print $2; exit }')
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" && $2 ~ /debian\/?$/ { print $2; exit }')
fi
mirror="${mirror:-http://deb.debian.org/debian}"

cleanup() {
  for m in dev/pts dev/shm dev proc sys; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m" || true
  done
}
trap cleanup EXIT

cleanup
rm -rf "$work"
mkdir -p "$work"
echo "fresh-check: debootstrap bookworm (minbase) from $mirror into $root"
started=$SECONDS
debootstrap --variant=minbase --include=git,ca-certificates bookworm "$root" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }
echo "fresh-check: root ready in $((SECONDS - started)) s"
cp /etc/resolv.conf /etc/hosts "$root/etc/"
# The network this machine is on is part of the machine: certificate authorities added
# locally (a TLS-inspecting proxy's) are trusted in the root as they are here.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"

mkdir -p "$root/work"
git clone -q "$repo" "$root/work/longforge"
commit=$(git -C "$root/work/longforge" rev-parse --short HEAD)
cp -a "$shared" "$root/work/shared"
echo "fresh-check: cloned $commit with ../shared beside it"

# Runs one command in the root as root with a clean environment; prints its status.
step() {
  local name=$1 command=$2 log="$work/$1.log" rc=0 t0=$SECONDS
  echo "fresh-check: [$name] $command"
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    bash -c "cd /work/longforge && $command" >"$log" 2>&1 || rc=$?
  eval "${name}_rc=$rc ${name}_secs=$((SECONDS - t0))"
}
step setup_and_run './ops/setup.sh && ./build/longforge run --input examples/docs --out out/'
step tests './ops/test.sh'

minutes() { printf '%d min %02d s' $(($1 / 60)) $(($1 % 60)); }
echo
echo "== fresh-check summary ($(date -u +%Y-%m-%dT%H:%MZ), commit $commit) =="
echo "1. ./ops/setup.sh && ./build/longforge run --input examples/docs --out out/"
echo "   exit $setup_and_run_rc in $(minutes "$setup_and_run_secs")"
grep -h "setup: build took" "$work/setup_and_run.log" | sed 's/^/   /' || true
grep -hE "^(documents|tasks|accepted|rejected)" "$work/setup_and_run.log" | sed 's/^/   /' || true
echo "2. ./ops/test.sh"
echo "   exit $tests_rc in $(minutes "$tests_secs")"
grep -h "setup: build took" "$work/tests.log" | sed 's/^/   /' || true
grep -hE "tests passed|tests failed out of" "$work/tests.log" | sed 's/^/   /' || true
sed -n '/^skipped: /,$p' "$work/tests.log" | sed 's/^/   /'
echo "logs: $work/setup_and_run.log $work/tests.log"
[ "$setup_and_run_rc" -eq 0 ] && [ "$tests_rc" -eq 0 ]
