#!/usr/bin/env bash
# Runs integration test classes many times in a row against one build, and counts the runs that failed. A test that
# fails now and then has found a bug (in log2kafka or in the test); this is how one is found, and how a fix is shown.
#
#   bench/repeat.sh [RUNS] [CLASSES]          defaults: 20 and FollowIT,WatchModeIT,FailoverIT
#   bench/repeat.sh 5 'FollowIT#aFileRotated*'
#
# Each run's Maven output is kept in target/repeat/RUN.log; the failed tests are named after each run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
classes=${2:-FollowIT,WatchModeIT,FailoverIT}
mkdir -p target/repeat
# one build for every run: the jar the ITs start, and the compiled tests
mvn -B -q package -DskipTests
mvn -B -q test-compile
failed=0
total_start=$(date +%s)
for run in $(seq 1 "$runs"); do
    start=$(date +%s)
    log=target/repeat/$run.log
    if mvn -B failsafe:integration-test failsafe:verify -Dit.test="$classes" >"$log" 2>&1; then
        result=passed
    else
        result="FAILED: $(grep -E '^\[ERROR\]   [A-Za-z]+IT\.' "$log" | sed 's/^\[ERROR\]   //; s/:.*//' | sort -u | paste -sd, -)"
        failed=$((failed + 1))
    fi
    tests=$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures' "$log" | tail -1 | sed 's/^\[[A-Z]*\] //')
    echo "run $run of $runs: $result in $(($(date +%s) - start)) s ($tests)"
done
echo "$classes: $failed of $runs runs failed, $(($(date +%s) - total_start)) s in all"
[ "$failed" -eq 0 ]
