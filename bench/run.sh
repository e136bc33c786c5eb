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
RULES=${RULES:-../shared/sigma-rules}
BIN=${BIN:-bin/rsigma-connect}
DAEMON_ARGS=${DAEMON_ARGS:-}
BATCH=${BATCH:-1}
GEN=../shared/lanes/gen_lanes.py

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
python3 "$GEN" --out-dir "$WORK" --count "$COUNT" 2>/dev/null

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

python3 - "$WORK" "$COUNT" "$LANES" "$BATCH" <<'PY'
import statistics, sys
work, count, lanes, batch = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4]

def runs(name):
    out = []
    for line in open(f"{work}/{name}.runs"):
        t0, t1, rss, lines, load, cpu = line.split()
        out.append(dict(wall=float(t1) - float(t0), rss=int(rss), lines=int(lines), load=load, cpu=float(cpu)))
    return out

def seconds(d):
    for unit, f in (("ms", 1e-3), ("µs", 1e-6), ("us", 1e-6), ("ns", 1e-9), ("s", 1.0)):
        if d.endswith(unit):
            return float(d[: -len(unit)]) * f
    return float("nan")

def rate(name, lane, empty):
    return count / max(statistics.median(r["wall"] for r in runs(f"{name}_{lane}")) - empty, 1e-9)

def cpu_per_event(name, lane):
    empty = statistics.median(r["cpu"] for r in runs(f"{name}_empty"))
    return 1e6 * (statistics.median(r["cpu"] for r in runs(f"{name}_{lane}")) - empty) / count

empty = {n: statistics.median(r["wall"] for r in runs(f"{n}_empty")) for n in ("bare", "transport", "daemon")}
loads = [seconds(r["load"]) for r in runs("daemon_empty") if r["load"] != "-"]
load = statistics.median(loads) if loads else float("nan")
rss0 = max(r["rss"] for r in runs("daemon_empty"))
print(f"events per lane: {count}; daemon --batch-size {batch}; empty-input start-up: bare {empty['bare']:.3f} s, "
      f"daemon {empty['daemon']:.3f} s; corpus load (logged): {load:.3f} s; daemon peak RSS with no events: {rss0/1024:.1f} MB")
print(f"{'lane':<12} {'bare ev/s':>10} {'daemon ev/s':>12} {'daemon/bare':>12} {'transport ev/s':>15} {'daemon/transport':>17}"
      f" {'bare RSS':>9} {'daemon RSS':>11} {'load s':>7} {'detections':>10} {'bare cpu µs/ev':>15} {'daemon cpu µs/ev':>17}")
for lane in lanes:
    b, d, t = (rate(n, lane, empty[n]) for n in ("bare", "daemon", "transport"))
    dl = [seconds(r["load"]) for r in runs(f"daemon_{lane}") if r["load"] != "-"]
    bad = [r["lines"] for n in ("bare", "transport") for r in runs(f"{n}_{lane}") if r["lines"] != count]
    note = f"  (a passthrough echoed {bad} lines, expected {count})" if bad else ""
    print(f"{lane:<12} {b:>10,.0f} {d:>12,.0f} {d/b:>12.0%} {t:>15,.0f} {d/t:>17.0%}"
          f" {max(r['rss'] for r in runs(f'bare_{lane}'))/1024:>7.1f}MB {max(r['rss'] for r in runs(f'daemon_{lane}'))/1024:>9.1f}MB"
          f" {statistics.median(dl) if dl else float('nan'):>7.3f} {statistics.median(r['lines'] for r in runs(f'daemon_{lane}')):>10.0f}"
          f" {cpu_per_event('bare', lane):>15.1f} {cpu_per_event('daemon', lane):>17.1f}{note}")
PY
