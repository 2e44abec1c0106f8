# Helpers shared by the end-to-end benchmark scripts (bench/run.sh, bench/global.sh);
# sourced, not run. The sourcing script sets: work (a scratch directory), pids=() (every
# process started, stopped by cleanup), lf (the longforge binary), sim (the simulator
# binary), marker (the simulator's relevant-text marker) and kafka_x (extra -X flags).
# shellcheck shell=bash

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
calc() { /usr/bin/python3 -c "print($1)"; }
fmt() { /usr/bin/python3 -c "print(format($1, '$2'))"; }
median() { /usr/bin/python3 -c 'import statistics,sys; print(statistics.median(map(float,sys.argv[1:])))' "$@"; }
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# Waits up to $2 seconds for the command in $1 to succeed.
wait_for() {
  local deadline=$((SECONDS + $2))
  until eval "$1"; do
    ((SECONDS < deadline)) || { echo "${0##*/}: timed out waiting for: $1" >&2; return 1; }
    sleep 0.05
  done
}
stop() {  # stop PID: SIGTERM and reap a process this script started
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# --- the simulated server --------------------------------------------------------------
sim_pid="" sim_url=""
start_sim() {  # start_sim CAPACITY LATENCY_MS
  local out="$work/sim.port"
  rm -f "$out"
  "$sim" --port 0 --capacity "$1" --latency-ms "$2" --marker "$marker" >"$out" 2>"$work/sim.log" &
  sim_pid=$!
  pids+=("$sim_pid")
  wait_for "[[ -s $out ]]" 10
  sim_url="http://127.0.0.1:$(head -1 "$out")"
}
stop_sim() { stop "$sim_pid"; }
stats() { curl -fsS "$sim_url/stats"; }

# Runs `longforge run` on the simulator; /usr/bin/time writes "wall user sys maxrss_kb"
# to $work/time. Fresh store each time, no response cache.
lf_run() {
  rm -rf "$work/store" "$work/out"
  local cmd=("$lf" run --no-progress --no-cache --store "$work/store" --out "$work/out"
             "${kafka_x[@]}" --llm-url "$sim_url/v1" --llm-model sim "$@")
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "${cmd[@]}" >"$work/run.log" 2>&1 || rc=$?
  if ((rc != 0 && rc != 2)); then
    echo "${0##*/}: longforge run exited $rc:" >&2
    tail -20 "$work/run.log" >&2
    exit 1
  fi
}

section=""
emit() { section+="$*"$'\n'; }

# Replaces the block of FILE between "<!-- NAME: begin ... -->" and "<!-- NAME: end -->"
# with $section (or puts it after the title the first time): write_section FILE NAME
write_section() {
  local results="$1" name="$2"
  local begin="<!-- $name: begin (generated; edit $name instead) -->"
  local end="<!-- $name: end -->"
  printf '%s' "$section" >"$work/section.md"
  /usr/bin/python3 - "$results" "$begin" "$end" "$work/section.md" <<'EOF'
import sys
path, begin, end, section = sys.argv[1:5]
block = begin + "\n" + open(section, encoding="utf-8").read() + end + "\n"
text = open(path, encoding="utf-8").read()
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    text = head + block + rest.split(end, 1)[1].lstrip("\n")
else:
    # After the title, before the other scripts' sections.
    title, _, rest = text.partition("\n")
    text = title + "\n\n" + block + "\n" + rest.lstrip("\n")
open(path, "w", encoding="utf-8").write(text)
EOF
}
