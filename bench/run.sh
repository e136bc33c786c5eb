#!/usr/bin/env bash
# Whole-process benchmark, all with the same binary on the same generated lane:
#   bare       the stream framework's own stdin→stdout stream (bench/bare.yaml):
#              the framework's ceiling the daemon is compared against;
#   daemon     `engine daemon -r <full SigmaHQ corpus> --input-format json`;
#   transport  the daemon's own stdin→stdout transport without the sigma
#              processor (bench/transport.yaml: the sigma_lines scanner
#              handing over what it has read, the sigma_stdout sink), which
#              shows how much of the daemon's time is detection.
# Runs alternate (bare, transport, daemon, bare, ...) so all see the same
# machine load; each figure is the median of ROUNDS runs.
#
#   bench/run.sh                      # 100000 events per lane, 3 rounds
#   COUNT=50000 ROUNDS=5 bench/run.sh
#   BATCH=128 bench/run.sh            # daemon --batch-size 128
#
# Environment: COUNT (events per lane), ROUNDS, LANES ("sysmon_proc syslog_raw"),
# RULES (corpus path), BIN (binary; built from ./cmd/rsigma-connect unless
# SKIP_BUILD=1), BATCH (the daemon's --batch-size, default 1; the transport
# stream hands over lines as the daemon's stdin does, up to BATCH or 128,
# whichever is larger), DAEMON_ARGS (extra daemon flags, e.g.
# --bloom-prefilter).
#
# Printed per lane: events/s of each net of start-up (an empty-input run of the
# same command is subtracted, which removes rule loading for the daemon), the
# ratios daemon/bare and daemon/transport, peak RSS (/usr/bin/time -v), the
# rule-load time the daemon logs, the detections written, and CPU time per
# event (user+system, net of the empty-input run: the figure that other load
# on the machine distorts least).
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-100000}
ROUNDS=${ROUNDS:-3}
LANES=${LANES:-"sysmon_proc syslog_raw"}
RULES=${RULES:-testdata/sigma-rules}
BIN=${BIN:-bin/rsigma-connect}
DAEMON_ARGS=${DAEMON_ARGS:-}
BATCH=${BATCH:-1}

if [ ! -x /usr/bin/time ]; then
	echo "installing GNU time (apt)" >&2
	apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	go build -o "$BIN" ./cmd/rsigma-connect
fi
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
[ -d "$RULES" ] || { echo "no rules at $RULES" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rsc-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
go run ./bench/lanes -out-dir "$WORK" -count "$COUNT" 2>/dev/null

HANDOVER=$((BATCH > 128 ? BATCH : 128)) # config/input.go handOver
sed "s/max_batch: 128\$/max_batch: $HANDOVER/" bench/transport.yaml >"$WORK/transport.yaml"
BARE=("$BIN" run bench/bare.yaml)
TRANSPORT=("$BIN" run "$WORK/transport.yaml")
# shellcheck disable=SC2206
DAEMON=("$BIN" engine daemon -r "$RULES" --input-format json --allow-plaintext --api-addr 127.0.0.1:0 --batch-size "$BATCH" $DAEMON_ARGS)

# timed NAME INPUT CMD...: runs CMD < INPUT and appends "start end rss_kb
# out_lines load" to $WORK/NAME.runs.
timed() {
	local name=$1 input=$2 t0 t1 load cpu
	shift 2
	t0=$(date +%s.%N)
	/usr/bin/time -v -o "$WORK/time.txt" "$@" <"$input" >"$WORK/out.txt" 2>"$WORK/err.txt" ||
		{ echo "$* failed:" >&2; tail -5 "$WORK/err.txt" >&2; exit 1; }
	t1=$(date +%s.%N)
	load=$(grep -o 'detection rules ([0-9]* rejected) in [0-9.]*[a-zµ]*s' "$WORK/err.txt" | sed 's/.* in //' | tail -1 || true)
	cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/time.txt")
	echo "$t0 $t1 $(awk -F': ' '/Maximum resident/ {print $2}' "$WORK/time.txt") $(wc -l <"$WORK/out.txt") ${load:--} $cpu" >>"$WORK/$name.runs"
}

for round in $(seq 1 "$ROUNDS"); do
	timed bare_empty /dev/null "${BARE[@]}"
	timed transport_empty /dev/null "${TRANSPORT[@]}"
	timed daemon_empty /dev/null "${DAEMON[@]}"
	for lane in $LANES; do
		timed "bare_$lane" "$WORK/$lane.ndjson" "${BARE[@]}"
		timed "transport_$lane" "$WORK/$lane.ndjson" "${TRANSPORT[@]}"
		timed "daemon_$lane" "$WORK/$lane.ndjson" "${DAEMON[@]}"
	done
	echo "round $round/$ROUNDS done" >&2
done

go run ./bench/summary -work "$WORK" -count "$COUNT" -lanes "$LANES" -batch "$BATCH"
