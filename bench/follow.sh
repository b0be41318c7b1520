#!/usr/bin/env bash
# Follow mode (--follow), against one local broker running as a separate process:
#  1. latency: a writer appends RATE lines a second to a followed file for SECONDS seconds, each line
#     starting with the time it was written; the topic stamps each record with the time the broker
#     appended it (LogAppendTime); prints p50, p99 and max of the difference, over every line;
#  2. idle: 100 followed files, all shipped, then IDLE seconds with nothing written: prints the CPU
#     seconds log2kafka used in them (launcher and its JVM, from /proc);
#  3. memory: RSS of log2kafka following 1,000 files (all shipped), next to the peak RSS of a one-shot
#     run over the same files.
# Record counts are checked.
#
#   bench/follow.sh [RATE] [SECONDS]     RATE defaults to 20000 lines/s, SECONDS to 30; IDLE=60
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${1:-20000}
DURATION=${2:-30}
IDLE=${IDLE:-60}
WORK=${BENCH_DIR:-target/bench}
JAR=target/log2kafka.jar

[ -f "$JAR" ] || mvn -B -q package -DskipTests
mkdir -p "$WORK"
# a copy, so that rebuilding the project during the benchmark does not pull classes from under it
cp "$JAR" "$WORK/follow-log2kafka.jar"
L2K_JAR="$WORK/follow-log2kafka.jar"
mkdir -p "$WORK/classes"
# the test data generator lives with the tests
javac -cp "$JAR" -d "$WORK/classes" bench/CountRecords.java bench/FollowLatency.java \
  src/test/java/dev/log2kafka/EduroamLog.java
CP="$JAR:$WORK/classes"

source bench/broker.sh
start_broker

# the processes of a log2kafka started with `java -jar`: the launcher and the JVM it starts
tree() { echo "$1" $(pgrep -P "$1" || true); }
cpu_seconds() {
  local ticks=0
  for pid in $(tree "$1"); do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc
}
# peak RSS of the JVM log2kafka runs in (the launcher's child), as /usr/bin/time -v reports for a one-shot run
rss_mb() { echo $(( $(awk '/VmHWM/ {print $2}' "/proc/$(pgrep -P "$1")/status") / 1024 )); }
follow() {  # DIR TOPIC: starts log2kafka following DIR/*.log, sets L2K
  java -jar "$L2K_JAR" --follow --files "$1/*.log" --topic "$2" --kafka-config "$WORK/client.properties" \
    --state-dir "$1/state" > "$1/log2kafka.out" 2>&1 &
  L2K=$!
  for _ in $(seq 1 60); do grep -q "Shipping and following" "$1/log2kafka.out" && break; sleep 0.5; done
  sleep 1
}
await_records() {  # TOPIC COUNT
  for _ in $(seq 1 300); do
    [ "$(java -cp "$CP" CountRecords "$BOOTSTRAP" "$1" 2>/dev/null)" -ge "$2" ] && return; sleep 1
  done
  echo "topic $1 does not reach $2 records"; exit 1
}
stop() { kill -TERM "$L2K"; wait "$L2K" || true; }
follow_files() {  # DIR TOPIC LINES: 100,000 lines in files of LINES each, followed until all are in TOPIC
  rm -rf "$1"; mkdir -p "$1"
  java -cp "$CP" dev.log2kafka.EduroamLog 100000 "$1/all.txt"
  split -l "$3" -a 4 -d --additional-suffix=.log "$1/all.txt" "$1/part-" && rm "$1/all.txt"
  follow "$1" "$2"
  await_records "$2" 100000
}

# 1. latency
dir="$WORK/follow/latency"; rm -rf "$dir"; mkdir -p "$dir"; touch "$dir/live.log"
topic="follow-latency-$RANDOM"
java -cp "$CP" FollowLatency create "$BOOTSTRAP" "$topic"
follow "$dir" "$topic"
count=$(java -cp "$CP" FollowLatency write "$dir/live.log" "$RATE" "$DURATION")
printf 'follow, %d lines/s for %d s: ' "$RATE" "$DURATION"
java -cp "$CP" FollowLatency measure "$BOOTSTRAP" "$topic" "$count"
stop

# 2. idle
dir="$WORK/follow/idle"
topic="follow-idle-$RANDOM"
follow_files "$dir" "$topic" 1000
sleep 2
before=$(cpu_seconds "$L2K")
sleep "$IDLE"
after=$(cpu_seconds "$L2K")
printf 'follow, 100 files, %d s idle: %s CPU seconds\n' "$IDLE" "$(echo "$after - $before" | bc)"
stop

# 3. memory
dir="$WORK/follow/many"
topic="follow-many-$RANDOM"
follow_files "$dir" "$topic" 100
sleep 5
printf 'follow, 1,000 files shipped and followed: peak RSS %d MB (the JVM log2kafka runs in)\n' "$(rss_mb "$L2K")"
stop
topic="one-shot-many-$RANDOM"
/usr/bin/time -v -o "$WORK/time-v.txt" java -jar "$L2K_JAR" --files "$dir/*.log" --topic "$topic" \
  --kafka-config "$WORK/client.properties" --state-dir "$dir/state-one-shot" > "$dir/one-shot.out" 2>&1
await_records "$topic" 100000
printf 'one-shot, the same 1,000 files: peak RSS %d MB (the JVM log2kafka runs in)\n' \
  "$(( $(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time-v.txt") / 1024 ))"
