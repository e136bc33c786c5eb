#!/usr/bin/env bash
# Attacks on the daemon's API listener (issue 14), against the built binary:
# starts `engine daemon -r RULES --input http --api-addr 127.0.0.1:0` under
# a descriptor limit of NOFILE, runs one attack program, and prints what the
# daemon held.
#
#   bench/attack.sh bombs     concurrent OTLP gzip bombs (bench/ingestbomb)
#                             while /healthz is probed; prints the daemon's
#                             peak RSS (VmHWM)
#   bench/attack.sh slow      slow clients (bench/slowclients) holding
#                             connections while /healthz is probed; prints
#                             the established connections on the daemon's
#                             port (ss) a second before the end
#
#   N=8 SHAPE=empty bench/attack.sh bombs
#   TRANSPORT=grpc SIZE=4193000 bench/attack.sh bombs
#   N=300 MODE=idle bench/attack.sh slow
#   BIN=/tmp/old-rsigma-connect SKIP_BUILD=1 bench/attack.sh bombs
#
# Environment: BIN, SKIP_BUILD, RULES, DAEMON_ARGS, NOFILE (default 256 for
# slow, unchanged for bombs), N (concurrent requests or connections;
# default 16 / 200). bombs: ROUNDS (requests per sender), SHAPE
# (records|empty|body), SIZE (inflated bytes), TRANSPORT (http|grpc).
# slow: MODE (body|header|idle|silent), DURATION (default 30s).
# Both also print any stderr line of the daemon that is not JSON.
set -euo pipefail
cd "$(dirname "$0")/.."

ATTACK=${1:-bombs}
BIN=${BIN:-bin/rsigma-connect}
RULES=${RULES:-resources/samples/rules}
DAEMON_ARGS=${DAEMON_ARGS:-}
case "$ATTACK" in
bombs) PROGRAM=ingestbomb N=${N:-16} NOFILE=${NOFILE:-} ;;
slow) PROGRAM=slowclients N=${N:-200} NOFILE=${NOFILE:-256} ;;
*) echo "usage: $0 bombs|slow" >&2; exit 2 ;;
esac

if [[ -z "${SKIP_BUILD:-}" ]]; then
	go build -o "$BIN" ./cmd/rsigma-connect
fi
ATTACKER=$(mktemp -d)/"$PROGRAM"
go build -o "$ATTACKER" ./bench/"$PROGRAM"

LOG=$(mktemp)
# shellcheck disable=SC2086
(
	[[ -n "$NOFILE" ]] && ulimit -n "$NOFILE"
	exec "$BIN" engine daemon -r "$RULES" --input http --api-addr 127.0.0.1:0 $DAEMON_ARGS >/dev/null 2>"$LOG"
) &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$LOG"' EXIT

ADDR=
for _ in $(seq 1 200); do
	ADDR=$(grep -o '"addr":"[^"]*"' "$LOG" | head -1 | cut -d'"' -f4 || true)
	[[ -n "$ADDR" ]] && break
	sleep 0.1
done
[[ -n "$ADDR" ]] || { echo "daemon did not start:"; cat "$LOG"; exit 1; }
echo "daemon pid $PID on $ADDR, descriptor limit $(grep 'Max open files' /proc/$PID/limits | awk '{print $4}')," \
	"idle VmHWM $(grep VmHWM /proc/$PID/status | awk '{print $2, $3}')"

ulimit -n 4096 2>/dev/null || true # the attacker's own connections
if [[ "$ATTACK" == bombs ]]; then
	"$ATTACKER" -addr "$ADDR" -n "$N" -rounds "${ROUNDS:-1}" -shape "${SHAPE:-records}" \
		-size "${SIZE:-33553408}" -transport "${TRANSPORT:-http}" || true
else
	DURATION=${DURATION:-30s}
	"$ATTACKER" -addr "$ADDR" -n "$N" -mode "${MODE:-body}" -duration "$DURATION" &
	APID=$!
	SECS=${DURATION%s}
	sleep $((SECS - 1))
	echo "after $((SECS - 1))s: established on :${ADDR##*:} $(ss -Htn state established "( sport = :${ADDR##*:} )" | wc -l)," \
		"daemon open descriptors $(ls /proc/$PID/fd | wc -l)"
	wait "$APID" || true
fi
if kill -0 "$PID" 2>/dev/null; then
	echo "daemon alive; peak RSS (VmHWM) $(grep VmHWM /proc/$PID/status | awk '{print $2, $3}')"
else
	wait "$PID" || echo "daemon DIED with status $?"
fi
echo "non-JSON stderr lines: $(grep -vc '^{' "$LOG" || true)"
grep -v '^{' "$LOG" | sort | uniq -c | sort -rn | head -3 || true
