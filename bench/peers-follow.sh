#!/usr/bin/env bash
# Following growing files, log2kafka (--follow) against the peers of bench/peers.sh (rsyslog imfile, syslog-ng
# wildcard-file(), Kafka Connect's FileStreamSource), with the same settings (bench/peers-lib.sh writes them), one
# local broker running as a separate process, each tool in turn:
#  1. latency: for each rate of RATES (20000 and 10 lines/s), a writer (bench/FollowLatency.java) appends lines to a
#     followed file for SECONDS seconds, each line starting with the time it was written; the topic stamps each
#     record with the time the broker appended it (LogAppendTime); prints p50, p99 and max of the difference over
#     every line. A probe line is written first, and the writer starts once it is in the topic (the tool is ready);
#  2. idle: 100 followed files of 1,000 lines, all shipped, then IDLE seconds with nothing written: the CPU seconds
#     of the tool's process tree in them (/proc). Connect's FileStreamSource follows one file, not a pattern: it
#     follows one file of 100,000 lines;
#  3. memory: the peak RSS (the largest VmHWM in the tool's process tree) following 1,000 files of 100 lines, all
#     shipped. Not Connect (one file per connector).
# Record counts are checked: a tool that loses lines shows how many arrived.
#
#   bench/peers-follow.sh [SECONDS]    SECONDS defaults to 30; IDLE=60, RATES="20000 10"
#   TOOLS="log2kafka rsyslog" ...      only these (default: log2kafka rsyslog syslog-ng connect)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-30}
IDLE=${IDLE:-60}
RATES=${RATES:-20000 10}
STALL=${STALL:-30}
TOOLS=${TOOLS:-log2kafka rsyslog syslog-ng connect}
WORK=${BENCH_DIR:-target/bench}
JAR=target/log2kafka.jar
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml)

[ -f "$JAR" ] || mvn -B -q package -DskipTests
mkdir -p "$WORK/classes"
javac -cp "$JAR" -d "$WORK/classes" bench/FollowLatency.java bench/PeerRecords.java \
  src/test/java/dev/log2kafka/EduroamLog.java
CP="$JAR:$WORK/classes"

source bench/broker.sh
source bench/peers-lib.sh
install_peers
start_broker
trap stop_all EXIT
RESULTS="$WORK/peers-follow-results.txt"
: > "$RESULTS"

# Starts TOOL following FILES (a glob; Connect: one file) into TOPIC, with DIR as its own directory.
follow() {  # TOOL DIR TOPIC FILES
  case $1 in
    rsyslog) rsyslog_config "$2" "$3" "$4" ;;
    syslog-ng) syslogng_config "$2" "$3" "$4" ;;
    connect) connect_config "$2" "$3" "$4" ;;
  esac
  local tool=$1; [ "$tool" = log2kafka ] && tool=log2kafka-follow
  start_peer "$tool" "$2" "$3" "$4"
}
# Waits until TOPIC holds N records or stops growing; sets GOT
await() {  # TOPIC N
  GOT=$(java -cp "$CP" PeerRecords await "$BOOTSTRAP" "$1" "$2" "$STALL" 180 2>/dev/null | tail -1 | cut -d' ' -f1)
}
# 100,000 lines in DIR/files/part-NNNN.log, files of LINES lines (or one file)
make_files() {  # DIR LINES
  mkdir -p "$1/files"
  java -cp "$CP" dev.log2kafka.EduroamLog 100000 "$1/all.txt"
  split -l "$2" -a 4 -d --additional-suffix=.log "$1/all.txt" "$1/files/part-" && rm "$1/all.txt"
}

for tool in $TOOLS; do
  base="$PEERS_DIR/follow-$tool"
  rm -rf "$base"

  # 1. latency
  for rate in $RATES; do
    dir="$base/latency-$rate"; mkdir -p "$dir/files"
    live="$dir/files/live.log"
    echo probe > "$live"
    topic="peers-follow-$tool-$rate-$RANDOM"
    java -cp "$CP" FollowLatency create "$BOOTSTRAP" "$topic"
    follow "$tool" "$dir" "$topic" "$([ "$tool" = connect ] && echo "$live" || echo "$dir/files/*.log")"
    await "$topic" 1
    if [ "$GOT" -lt 1 ]; then
      echo "follow, $tool: the probe line never reached the topic: $(tail -3 "$dir/out.txt")"
      echo "$tool latency-$rate - - - 0 0" >> "$RESULTS"; stop_peer; continue
    fi
    count=$(java -cp "$CP" FollowLatency write "$live" "$rate" "$DURATION")
    await "$topic" $((count + 1))
    got=$((GOT - 1))
    stop_peer
    printf 'follow, %-9s %5d lines/s for %d s: ' "$tool" "$rate" "$DURATION"
    if [ "$got" -gt 0 ]; then
      line=$(java -cp "$CP" FollowLatency measure "$BOOTSTRAP" "$topic" "$((got < count ? got : count))" 1 \
        2>/dev/null)
      echo "$line$([ "$got" = "$count" ] || echo " ($got of $count lines arrived)")"
      read -r p50 p99 max < <(echo "$line" | sed 's/.*p50 \([0-9]*\) ms, p99 \([0-9]*\) ms, max \([0-9]*\) ms.*/\1 \2 \3/')
    else
      echo "no line arrived of $count"; p50=- p99=- max=-
    fi
    echo "$tool latency-$rate $p50 $p99 $max $got $count" >> "$RESULTS"
  done

  # 2. idle
  dir="$base/idle"; mkdir -p "$dir"
  topic="peers-follow-$tool-idle-$RANDOM"
  java -cp "$CP" FollowLatency create "$BOOTSTRAP" "$topic"
  if [ "$tool" = connect ]; then make_files "$dir" 100000; files="$dir/files/part-0000.log"; n=1
  else make_files "$dir" 1000; files="$dir/files/*.log"; n=100; fi
  follow "$tool" "$dir" "$topic" "$files"
  await "$topic" 100000
  sleep 2
  before=$(tree_cpu "$PEER")
  sleep "$IDLE"
  after=$(tree_cpu "$PEER")
  stop_peer
  idle=$(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.2f", a - b}')
  printf 'follow, %-9s %d file(s), %d s idle: %s CPU seconds (%d of 100000 lines shipped)\n' "$tool" "$n" "$IDLE" \
    "$idle" "$GOT"
  echo "$tool idle $idle $n $GOT" >> "$RESULTS"

  # 3. memory
  if [ "$tool" = connect ]; then
    echo "follow, connect: 1,000 files not measured (FileStreamSource follows one file; it would take 1,000 connectors)"
    continue
  fi
  dir="$base/many"; mkdir -p "$dir"
  topic="peers-follow-$tool-many-$RANDOM"
  java -cp "$CP" FollowLatency create "$BOOTSTRAP" "$topic"
  make_files "$dir" 100
  follow "$tool" "$dir" "$topic" "$dir/files/*.log"
  await "$topic" 100000
  sleep 5
  rss=$(( $(tree_hwm "$PEER") / 1024 ))
  stop_peer
  printf 'follow, %-9s 1,000 files shipped and followed: peak RSS %d MB (%d of 100000 lines shipped)\n' "$tool" \
    "$rss" "$GOT"
  echo "$tool many $rss $GOT" >> "$RESULTS"
done

echo
printf '%-10s %22s %22s %18s %16s\n' tool "latency@${RATES%% *}/s p50/p99/max" "latency@${RATES##* }/s p50/p99/max" \
  "idle CPU s (files)" "RSS, 1000 files"
for tool in $TOOLS; do
  awk -v t="$tool" -v first="${RATES%% *}" -v last="${RATES##* }" '
    $1 == t && $2 == "latency-" first {a = $3 "/" $4 "/" $5 " ms"; if ($6 != $7) a = a " !" $6 "/" $7}
    $1 == t && $2 == "latency-" last {b = $3 "/" $4 "/" $5 " ms"; if ($6 != $7) b = b " !" $6 "/" $7}
    $1 == t && $2 == "idle" {c = $3 " (" $4 ")"}
    $1 == t && $2 == "many" {d = $3 " MB"}
    END {printf "%-10s %22s %22s %18s %16s\n", t, a, b, c, d == "" ? "n/a" : d}' "$RESULTS"
done
