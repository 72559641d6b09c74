#!/bin/bash
# The generic daemon (recovery.jar) repairs a corrupt database on a follower of a real 3-node Ratis cluster through
# the example's maintenance command (Maintenance, named in each node's maintenance_command): stop, move aside,
# restore from a healthy replica over the node protocol, start, verify. Prints the daemon's timeline, every node's
# applied index and checksum, and exits 0 only when the daemon reported the cluster healthy, all three checksums agree
# and the control token appears in no log or journal. Stops every process it started, also on Ctrl-C.
#
#   mvn -B -q install -DskipTests && examples/ratis-coordinator/maintenance-e2e.sh [RUNS] [STRATEGIES]
#
# RUNS (default 1) repeats the whole scenario on a fresh cluster. STRATEGIES (default all, every built-in
# strategy) is passed to --strategy.
set -u
cd "$(dirname "$0")/../.."
RUNS=${1:-1}
STRATEGY=${2:-all}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/maintenance-e2e.XXXXXX")
JAVA=$(command -v java)
NODE_CLASS=org.distributedtesting.recovery.examples.ratis.CoordinatorNode
TOKEN="e2e-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

mvn -B -q -o -pl examples/ratis-coordinator dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null ||
  mvn -B -q -pl examples/ratis-coordinator dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null ||
  { echo "cannot resolve the example's class path" >&2; exit 2; }
# this checkout's classes rather than whatever snapshot of the library the local repository holds
CP=$(tr ':' '\n' < "$WORK/cp.txt" | grep -v '/org/distributedtesting/recovery/' | paste -sd:)
CP=$CP:$PWD/recovery-api/target/classes:$PWD/recovery-core/target/classes:$PWD/examples/ratis-coordinator/target/classes

stop_all() {
  for pidfile in "$W"/node-*/node.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  for pidfile in "$W"/node-*/node.pid; do
    [ -f "$pidfile" ] || continue
    for _ in $(seq 1 100); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$(cat "$pidfile")" 2>/dev/null
  done
}
W=$WORK/none
failed=0
# the work directory (node logs, maintenance.log, journals) is kept when a run failed
trap 'stop_all; if [ $failed = 0 ]; then rm -rf "$WORK"; else echo "logs kept in $WORK" >&2; fi' EXIT
trap 'exit 130' INT TERM

status() { curl -s --max-time 2 "127.0.0.1:${HP[$1]}/api/status"; }
field() { python3 -c 'import json,sys; s=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

start_node() { # index
  local id=node-$(($1 + 1))
  mkdir -p "$W/$id"
  "$JAVA" -Xmx128m -XX:+UseSerialGC -cp "$CP" $NODE_CLASS --id "$id" --data-dir "$W/$id" \
    --raft-port "${RP[$1]}" --http-port "${HP[$1]}" --peers "$PEERS" --token-file "$W/token" >> "$W/$id/node.log" 2>&1 &
  echo $! > "$W/$id/node.pid"
}

json_list() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@"; }

one_run() {
  W=$WORK/run-$1
  mkdir -p "$W"
  echo "$TOKEN" > "$W/token"
  read -r -a PORTS <<< "$(python3 -c 'import socket
s=[socket.socket() for _ in range(6)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')"
  RP=("${PORTS[@]:0:3}"); HP=("${PORTS[@]:3:3}")
  PEERS="node-1=127.0.0.1:${RP[0]},node-2=127.0.0.1:${RP[1]},node-3=127.0.0.1:${RP[2]}"
  local maintenance nodes=""
  maintenance=$(json_list "$JAVA" -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CP" \
    org.distributedtesting.recovery.examples.ratis.Maintenance --id '{id}' --data-dir '{data_dir}')
  for i in 0 1 2; do
    nodes+="$([ $i -gt 0 ] && echo ,){\"id\": \"node-$((i + 1))\", \"host\": \"127.0.0.1\", \"port\": ${HP[$i]},
      \"data_dir\": \"node-$((i + 1))\", \"maintenance_command\": $maintenance,
      \"command\": $(json_list "$JAVA" -Xmx128m -XX:+UseSerialGC -cp "$CP" $NODE_CLASS --id '{id}' \
        --data-dir '{data_dir}' --raft-port "${RP[$i]}" --http-port '{port}' --peers "$PEERS" --token-file "$W/token")}"
  done
  cat > "$W/cluster.json" <<EOF
{"nodes": [$nodes],
 "recovery_dir": "recovery", "control_token_file": "token",
 "recovery_options": {"confirmations": 2, "verify_interval": 0.5, "node_cooldown": 0, "maintenance_timeout": 60}}
EOF
  for i in 0 1 2; do start_node $i; done
  local leader="" t
  for t in $(seq 1 60); do
    leader=$(for i in 0 1 2; do status $i | field 's["node_id"] if s.get("role") == "leader" else ""' 2>/dev/null; done | grep node)
    [ -n "$leader" ] && break
    sleep 0.5
  done
  [ -n "$leader" ] || { echo "no leader after 30 s" >&2; return 1; }
  "$JAVA" -cp "$CP" org.distributedtesting.recovery.examples.ratis.CoordinatorClient --peers "$PEERS" submit 200 2>/dev/null
  local victim=1
  [ "$leader" = node-2 ] && victim=2
  local vid=node-$((victim + 1))
  kill -TERM "$(cat "$W/$vid/node.pid")"
  while kill -0 "$(cat "$W/$vid/node.pid")" 2>/dev/null; do sleep 0.1; done
  python3 - "$W/$vid/db/coordinator.db" <<'PY'
import sqlite3, sys
db = sys.argv[1]
c = sqlite3.connect(db)
page_size = c.execute("PRAGMA page_size").fetchone()[0]
root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'tasks_by_state'").fetchone()[0]
c.close()
with open(db, "r+b") as f:  # flip the page-type byte of an index's root page: integrity_check fails
    f.seek((root - 1) * page_size); b = f.read(1)
    f.seek((root - 1) * page_size); f.write(bytes([b[0] ^ 0xff]))
PY
  start_node $victim
  for t in $(seq 1 60); do status $victim | grep -q '"database"' && break; sleep 0.5; done
  echo "run $1: leader $leader; $vid stopped, a byte of its database flipped, started: $(status $victim |
    field 's["integrity"]["database"]["detail"] if "integrity" in s else s')"
  "$JAVA" -cp "$CP" org.distributedtesting.recovery.examples.ratis.CoordinatorClient --peers "$PEERS" submit 50 2>/dev/null
  (cd "$W" && "$JAVA" -jar "$OLDPWD/recovery-strategies/target/recovery.jar" --config cluster.json --strategy "$STRATEGY" \
    --once --interval 1 --timeout 120 > daemon.out 2> daemon.err)
  local code=$?
  sed 's/^/  /' "$W/daemon.out"
  local sums
  sums=$(for t in $(seq 1 60); do
    s=$(for i in 0 1 2; do status $i | field 's["state_checksum"]["value"] + "@" + str(s["state_checksum"]["index"])' 2>/dev/null; done | sort -u)
    [ "$(echo "$s" | wc -l)" = 1 ] && [ -n "$s" ] && { echo "$s"; break; }
    sleep 0.5
  done)
  echo "  checksums: ${sums:-the nodes disagree}"
  if grep -rqF "$TOKEN" "$W/daemon.out" "$W/daemon.err" "$W/recovery" "$W"/node-*/maintenance.log; then
    echo "  the control token appears in a log or the journal" >&2; code=1
  fi
  stop_all
  [ $code = 0 ] && [ -n "$sums" ]
}

for run in $(seq 1 "$RUNS"); do one_run "$run" || failed=$((failed + 1)); done
echo "$((RUNS - failed)) of $RUNS runs recovered"
[ $failed = 0 ]
