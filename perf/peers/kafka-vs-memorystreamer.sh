#!/usr/bin/env bash
# Side by side with Apache Kafka on the same machine.
#
#   perf/peers/kafka-vs-memorystreamer.sh [options]
#
# 1. Fetches Apache Kafka's jars (kafka_2.13, kafka-tools, kafka-clients) from Maven Central through
#    the project's Maven wrapper and a throwaway pom in perf/peers/target/kafka-pom, into
#    perf/peers/target/kafka-lib.
# 2. Measures the TCP loopback round trip (100 bytes, Java sockets) with PeerBench.java.
# 3. Starts a single-node Kafka (KRaft, combined broker+controller, loopback ports, log dir under
#    perf/peers/target/kafka-run), runs Kafka's own ProducerPerformance (100-byte records,
#    --throughput -1, acks=1 and acks=all, on 1 and on 4 partitions), Kafka's own
#    EndToEndLatency (closed loop, whole milliseconds) and PeerBench's fixed-rate end-to-end
#    latency (the method of 'memorystreamer bench latency') at 10k and 100k msg/s; stops Kafka.
# 4. Copies the built distribution to perf/peers/target/ms-home (transport port 0: a free one),
#    starts it, runs 'bench throughput' (1 and 4 producers) and 'bench latency' (10k, 100k msg/s),
#    each with durability none and batch; stops it.
# 5. Prints a table with the ratios; every run's output is kept in perf/peers/target/results-*/.
#
# Options:
#   --kafka-version V     Kafka version from Maven Central (default 4.1.1)
#   --records N           records per ProducerPerformance run (default 2000000)
#   --seconds S           seconds of each throughput and latency run (default 10)
#   --dist DIR            the built distribution (default distribution/target/memorystreamer-0.1.0-SNAPSHOT)
#   --skip-kafka          do not run Kafka (the table then has MemoryStreamer only)
#   --skip-memorystreamer do not run MemoryStreamer
#   --help                this text
#
# Needs: Java 17+, the distribution already built (./mvnw -pl distribution -am package), Maven
# Central reachable once (later runs use ~/.m2). Takes about 4.5 minutes. Run nothing else at the
# same time on a small machine: both brokers and their load generators share the CPUs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
PEERS="$ROOT/perf/peers"
T="$PEERS/target"
KAFKA_VERSION=4.1.1
RECORDS=2000000
SECONDS_RUN=10
DIST="$ROOT/distribution/target/memorystreamer-0.1.0-SNAPSHOT"
RUN_KAFKA=1
RUN_MS=1

usage() { sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "kafka-vs-memorystreamer: $*" >&2; exit 1; }

while (($#)); do
  case "$1" in
    --help|-h) usage; exit 0 ;;
    --kafka-version) KAFKA_VERSION="${2:?}"; shift 2 ;;
    --records) RECORDS="${2:?}"; shift 2 ;;
    --seconds) SECONDS_RUN="${2:?}"; shift 2 ;;
    --dist) DIST="$(cd "${2:?}" && pwd -P)"; shift 2 ;;
    --skip-kafka) RUN_KAFKA=0; shift ;;
    --skip-memorystreamer) RUN_MS=0; shift ;;
    *) die "unknown option '$1' (--help)" ;;
  esac
done

command -v java >/dev/null || die "no java on the PATH"
OUT="$T/results-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
LIB="$T/kafka-lib"
KAFKA_PID=""
MS_HOME="$T/ms-home"
MS_STARTED=0

log() { echo "== $(date -u +%H:%M:%S) $*" >&2; }

cleanup() {
  if [[ -n "$KAFKA_PID" ]] && kill -0 "$KAFKA_PID" 2>/dev/null; then
    kill -TERM "$KAFKA_PID" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$KAFKA_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$KAFKA_PID" 2>/dev/null || true
  fi
  if ((MS_STARTED)); then "$MS_HOME/bin/memorystreamer" stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# Port that nothing listens on, from a starting point.
free_port() {
  local p=$1
  while (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# ---------------------------------------------------------------------------- 1. Kafka's jars
fetch_kafka() {
  if [[ -f "$LIB/kafka_2.13-$KAFKA_VERSION.jar" && -f "$LIB/kafka-tools-$KAFKA_VERSION.jar" ]]; then
    return
  fi
  log "fetching Kafka $KAFKA_VERSION through Maven into $LIB"
  rm -rf "$LIB"
  mkdir -p "$T/kafka-pom"
  cat >"$T/kafka-pom/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Throwaway pom of perf/peers/kafka-vs-memorystreamer.sh: only to copy Kafka's jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.perf.peers</groupId>
  <artifactId>kafka-lib</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-clients</artifactId><version>$KAFKA_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  (cd "$ROOT" && ./mvnw -B -q -f "$T/kafka-pom/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$LIB" -DincludeScope=runtime) >"$OUT/maven-fetch.log" 2>&1 \
    || { tail -30 "$OUT/maven-fetch.log" >&2; die "could not fetch Kafka $KAFKA_VERSION (log: $OUT/maven-fetch.log)"; }
}

peerbench() { java -cp "$LIB/*" "$PEERS/PeerBench.java" "$@"; }

# The last 'latency (us): p50=.. p99=.. p99.9=..' line of a file, as 'p50 p99 p999'.
lat_of() {
  grep -o 'latency (us): p50=[0-9.]* p99=[0-9.]* p99.9=[0-9.]*' "$1" | tail -1 \
    | sed -E 's/.*p50=([0-9.]+) p99=([0-9.]+) p99.9=([0-9.]+)/\1 \2 \3/' || true
}

declare -A R # results: key -> "msg/s MB/s" or "p50 p99 p999" (us)

# ---------------------------------------------------------------------------- 2. loopback
run_rtt() {
  log "TCP loopback round trip"
  peerbench tcp-rtt 200000 100 | tee "$OUT/tcp-rtt.txt"
  R[rtt]="$(lat_of "$OUT/tcp-rtt.txt")"
}

# ---------------------------------------------------------------------------- 3. Kafka
KCP=""
kafka_tool() { java -Xmx512m -cp "$KCP" "$@"; }

start_kafka() {
  KCP="$LIB/*"
  local run="$T/kafka-run"
  rm -rf "$run"
  mkdir -p "$run/logs"
  local bport cport
  bport="$(free_port 39092)"
  cport="$(free_port $((bport + 1)))"
  BOOT="127.0.0.1:$bport"
  cat >"$run/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$bport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$bport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$run/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
  local cluster_id
  cluster_id="$(kafka_tool kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  log "formatting Kafka's log dir (cluster id $cluster_id)"
  kafka_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$run/server.properties" >"$run/logs/format.out" 2>&1 \
    || { cat "$run/logs/format.out" >&2; die "kafka-storage format failed"; }
  log "starting Kafka $KAFKA_VERSION (KRaft, broker $BOOT, controller 127.0.0.1:$cport)"
  # The JVM options of Kafka's kafka-server-start.sh / kafka-run-class.sh.
  java -Xms1g -Xmx1g -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -cp "$KCP" kafka.Kafka "$run/server.properties" >"$run/logs/server.out" 2>&1 &
  KAFKA_PID=$!
  local deadline=$((SECONDS + 90))
  until kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOT" --list >/dev/null 2>&1; do
    kill -0 "$KAFKA_PID" 2>/dev/null || { tail -30 "$run/logs/server.out" >&2; die "Kafka exited during start-up"; }
    ((SECONDS < deadline)) || die "Kafka not answering after 90 s"
    sleep 1
  done
  log "Kafka answers (pid $KAFKA_PID)"
}

create_topic() { # name partitions
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOT" --create --topic "$1" \
    --partitions "$2" --replication-factor 1 >/dev/null
}

# ProducerPerformance's summary line: 'N records sent, X records/sec (Y MB/sec), ...'
pp_of() {
  grep 'records sent' "$1" | tail -1 | sed -E 's/.* ([0-9.]+) records\/sec \(([0-9.]+) MB\/sec\).*/\1 \2/'
}

run_kafka() {
  start_kafka
  local name parts acks
  for spec in "p1-acks1 1 1" "p1-acksall 1 all" "p4-acks1 4 1" "p4-acksall 4 all"; do
    read -r name parts acks <<<"$spec"
    create_topic "tp-$name" "$parts"
    log "Kafka ProducerPerformance: $RECORDS x 100 B, $parts partition(s), acks=$acks"
    kafka_tool org.apache.kafka.tools.ProducerPerformance --topic "tp-$name" --num-records "$RECORDS" \
      --record-size 100 --throughput -1 --producer-props bootstrap.servers="$BOOT" acks="$acks" \
      2>&1 | tee "$OUT/kafka-producer-perf-$name.txt" | grep 'records sent' | tail -1
    R[k-tp-$name]="$(pp_of "$OUT/kafka-producer-perf-$name.txt")"
  done

  create_topic e2e-closed 1
  log "Kafka EndToEndLatency (closed loop: one message at a time), 10000 x 100 B, acks=1"
  kafka_tool org.apache.kafka.tools.EndToEndLatency "$BOOT" e2e-closed 10000 1 100 2>&1 \
    | tee "$OUT/kafka-end-to-end-latency.txt" | grep -E 'Avg latency|Percentiles' || true

  local rate
  for acks in 1 all; do
    for rate in 10000 100000; do
      create_topic "e2e-$acks-$rate" 1
      log "Kafka fixed-rate end to end (PeerBench): $rate msg/s, acks=$acks"
      peerbench kafka-latency "$BOOT" "e2e-$acks-$rate" "$rate" "$SECONDS_RUN" 100 "$acks" 2>&1 \
        | tee "$OUT/kafka-latency-acks$acks-$rate.txt" | grep -v '^SLF4J' || true
      R[k-lat-$acks-$rate]="$(lat_of "$OUT/kafka-latency-acks$acks-$rate.txt")"
    done
  done
  log "stopping Kafka"
  kill -TERM "$KAFKA_PID"
  for _ in $(seq 60); do kill -0 "$KAFKA_PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$KAFKA_PID" 2>/dev/null || true
  KAFKA_PID=""
}

# ---------------------------------------------------------------------------- 4. MemoryStreamer
run_ms() {
  [[ -x "$DIST/bin/memorystreamer" ]] || die "no built distribution at $DIST"
  log "copying $DIST to $MS_HOME"
  rm -rf "$MS_HOME"
  cp -a "$DIST" "$MS_HOME"
  rm -rf "$MS_HOME/data" "$MS_HOME/logs"
  mkdir -p "$MS_HOME/data" "$MS_HOME/logs"
  # Any free port: the client commands find it in data/transport.port.
  sed -i -E 's/^port[[:space:]]*=.*/port = 0/' "$MS_HOME/conf/io.memorystreamer.transport.cfg"
  local ms="$MS_HOME/bin/memorystreamer"
  MS_STARTED=1
  "$ms" start
  local p d rate
  for d in none batch; do
    for p in 1 4; do
      log "MemoryStreamer bench throughput: $p producer(s), durability $d"
      "$ms" bench throughput --producers "$p" --seconds "$SECONDS_RUN" --size 100 --durability "$d" 2>&1 \
        | tee "$OUT/ms-throughput-$d-p$p.txt"
      R[m-tp-$d-p$p]="$(grep -o '[0-9]* msg/s, [0-9.]* MB/s' "$OUT/ms-throughput-$d-p$p.txt" | tail -1 \
        | sed -E 's/([0-9]+) msg\/s, ([0-9.]+) MB\/s/\1 \2/')"
    done
  done
  for d in none batch; do
    for rate in 10000 100000; do
      log "MemoryStreamer bench latency: $rate msg/s, durability $d"
      "$ms" bench latency --rate "$rate" --seconds "$SECONDS_RUN" --size 100 --durability "$d" 2>&1 \
        | tee "$OUT/ms-latency-$d-$rate.txt" || true
      R[m-lat-$d-$rate]="$(lat_of "$OUT/ms-latency-$d-$rate.txt")"
    done
  done
  "$ms" stop
  MS_STARTED=0
}

# ---------------------------------------------------------------------------- 5. table
field() { # key index(1-based)
  local v="${R[$1]:-}"
  [[ -n "$v" ]] || { echo "-"; return; }
  awk -v i="$2" '{print $i}' <<<"$v"
}
ratio() { # a b -> a/b
  [[ "$1" != "-" && "$2" != "-" ]] || { echo "-"; return; }
  awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2fx", a / b }'
}
fmt_int() { [[ "$1" == "-" ]] && echo "-" || awk -v a="$1" 'BEGIN { printf "%\047d", a }'; }

print_table() {
  echo
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM; $(java -version 2>&1 | head -1); Kafka $KAFKA_VERSION"
  echo "Load average (1/5/15 min) at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) CPUs: above that, other processes shared the CPUs)"
  echo "Raw output: $OUT"
  echo
  echo "Throughput, 100-byte messages (Kafka: ProducerPerformance, one producer, --throughput -1, $RECORDS records; MemoryStreamer: bench throughput, ${SECONDS_RUN} s)"
  echo
  echo "| MemoryStreamer run | msg/s | MB/s | Kafka run | msg/s | MB/s | ratio (msg/s) |"
  echo "| --- | ---: | ---: | --- | ---: | ---: | ---: |"
  local row m k
  for row in "none-p1:p1-acks1:1 producer, none:1 partition, acks=1" \
             "batch-p1:p1-acksall:1 producer, batch:1 partition, acks=all" \
             "none-p4:p4-acks1:4 producers / 4 shards, none:4 partitions, acks=1" \
             "batch-p4:p4-acksall:4 producers / 4 shards, batch:4 partitions, acks=all"; do
    IFS=: read -r m k mlabel klabel <<<"$row"
    echo "| $mlabel | $(fmt_int "$(field "m-tp-$m" 1)") | $(field "m-tp-$m" 2) | $klabel | $(fmt_int "$(field "k-tp-$k" 1)") | $(field "k-tp-$k" 2) | $(ratio "$(field "m-tp-$m" 1)" "$(field "k-tp-$k" 1)") |"
  done
  echo
  echo "End-to-end latency in µs, fixed rate, 100-byte messages, ${SECONDS_RUN} s after 1 s of warm-up (both measured as 'bench latency' does)"
  echo
  echo "| rate | MemoryStreamer | p50 | p99 | p99.9 | Kafka | p50 | p99 | p99.9 | Kafka p99 / ours | our p99 / loopback RTT p99 |"
  echo "| ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
  local rate d a
  for d in none batch; do
    [[ $d == none ]] && a=1 || a=all
    for rate in 10000 100000; do
      echo "| $(fmt_int $rate) | $d | $(field "m-lat-$d-$rate" 1) | $(field "m-lat-$d-$rate" 2) | $(field "m-lat-$d-$rate" 3) | acks=$a | $(field "k-lat-$a-$rate" 1) | $(field "k-lat-$a-$rate" 2) | $(field "k-lat-$a-$rate" 3) | $(ratio "$(field "k-lat-$a-$rate" 2)" "$(field "m-lat-$d-$rate" 2)") | $(ratio "$(field "m-lat-$d-$rate" 2)" "$(field rtt 2)") |"
    done
  done
  echo
  echo "TCP loopback round trip (100 B, Java sockets, TCP_NODELAY), µs: p50 $(field rtt 1), p99 $(field rtt 2), p99.9 $(field rtt 3)"
  if [[ -f "$OUT/kafka-end-to-end-latency.txt" ]]; then
    echo "Kafka EndToEndLatency (closed loop, whole ms, acks=1): $(grep -h -E 'Avg latency|Percentiles' "$OUT/kafka-end-to-end-latency.txt" | tr '\n' ' ')"
  fi
}

START=$SECONDS
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
fetch_kafka # PeerBench.java (the loopback and Kafka latency helper) compiles against kafka-clients
run_rtt
if ((RUN_KAFKA)); then run_kafka; fi
if ((RUN_MS)); then run_ms; fi
print_table | tee "$OUT/table.md"
log "done in $((SECONDS - START)) s"
