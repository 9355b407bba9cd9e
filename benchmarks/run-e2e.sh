#!/usr/bin/env bash
# End-to-end benchmark: the sample backend reached directly, through HAProxy (TCP mode for Dubbo, http mode for
# HTTP) and through xmesh, in ONE run with the targets interleaved (A B C A B C ...), so that a noisy machine
# hurts all of them alike.
#
#   benchmarks/run-e2e.sh [--rounds 3] [--duration 10] [--warmup 3] [--warm 20] [--levels "1:1 4:8 4:64"]
#                         [--targets "direct haproxy xmesh"] [--http-connections 32] [--idle 10000]
#                         [--skip-http] [--skip-memory] [--skip-startup] [--out DIR]
#
# A level "C:M" is C connections with M requests in flight on each (C*M in flight in total). --warm is a first
# unrecorded pass per target (JIT warm-up); --warmup is the unrecorded start of every measured run.
# Per target it prints requests/s, p50/p99/p99.9 latency, the proxy's CPU microseconds per request (utime+stime of
# the proxy process from /proc/<pid>/stat over the run, divided by the requests it carried) and its RSS; then the
# ratios xmesh/HAProxy. Then memory per idle connection (N idle downstream connections: RSS growth, and heap growth
# for xmesh) and startup time (process start to the port accepting connections).
#
# Layout on this 2-core machine: the proxy under test is pinned to core 1 (taskset -c 1); the load generator and the
# backend share core 0. xmesh runs with one event loop, HAProxy with one thread.
# xmesh is taken from proxy-bootstrap/target/xmesh-*/bin/xmesh (or $XMESH_HOME), else run from the built
# proxy-bootstrap jar and its Maven runtime classpath; without either only direct and haproxy
# run. Everything listens on 127.0.0.1 on free ports. Needs: java 17, python3, haproxy, wrk, taskset (the script
# installs haproxy and wrk with apt-get when they are missing and it runs as root).
set -euo pipefail

ROUNDS=3
DURATION=10
WARMUP=3
WARM=20
LEVELS="1:1 4:8 4:64"
TARGETS="direct haproxy xmesh"
HTTP_CONNECTIONS=32
IDLE=10000
SKIP_HTTP=0
SKIP_MEMORY=0
SKIP_STARTUP=0
OUT=""
PROXY_CPU=1
LOAD_CPU=0

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --warm) WARM=$2; shift 2 ;;
    --levels) LEVELS=$2; shift 2 ;;
    --targets) TARGETS=$2; shift 2 ;;
    --http-connections) HTTP_CONNECTIONS=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --skip-http) SKIP_HTTP=1; shift ;;
    --skip-memory) SKIP_MEMORY=1; shift ;;
    --skip-startup) SKIP_STARTUP=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/benchmarks/target/e2e-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
JAR=$ROOT/benchmarks/target/benchmarks.jar
CLK_TCK=$(getconf CLK_TCK)
PIDS=()

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

cleanup() {
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# ---------------------------------------------------------------- tools
need_pkgs=()
command -v haproxy >/dev/null || need_pkgs+=(haproxy)
command -v wrk >/dev/null || need_pkgs+=(wrk)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing ${need_pkgs[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_pkgs[@]}" >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_pkgs[@]}" >/dev/null; }
  else
    echo "missing ${need_pkgs[*]}: install them (apt-get install ${need_pkgs[*]})" >&2; exit 2
  fi
fi
for t in java python3 taskset haproxy wrk; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 2; }; done
if [ "$(nproc)" -lt 2 ]; then PROXY_CPU=0; fi

if [ ! -f "$JAR" ]; then
  log "building benchmarks.jar"
  (cd "$ROOT" && mvn -B -q -o -pl benchmarks -am package -DskipTests)
fi

# xmesh: the distribution (proxy-bootstrap/target/xmesh-*/bin/xmesh or $XMESH_HOME), else the built proxy-bootstrap
# jar with its runtime classpath (java -cp ... io.xmesh.bootstrap.cli.XmeshCli), else no xmesh target.
XMESH_HOME=${XMESH_HOME:-$(ls -d "$ROOT"/proxy-bootstrap/target/xmesh-*/ 2>/dev/null | grep -v '\.tar' | head -n 1 || true)}
XMESH_HOME=${XMESH_HOME%/}
XMESH_CMD=()
if [ -n "$XMESH_HOME" ] && [ -x "$XMESH_HOME/bin/xmesh" ]; then
  XMESH_CMD=("$XMESH_HOME/bin/xmesh")
  XMESH_HOW="distribution $XMESH_HOME"
else
  bootstrap_jar=$(ls "$ROOT"/proxy-bootstrap/target/proxy-bootstrap-*.jar 2>/dev/null | grep -v -e sources -e tests | head -n 1 || true)
  if [ -n "$bootstrap_jar" ] && (cd "$ROOT" && mvn -B -o -q -pl proxy-bootstrap dependency:build-classpath \
        -Dmdep.outputFile="$OUT/xmesh.classpath" -Dmdep.includeScope=runtime >/dev/null 2>&1); then
    cat >"$OUT/xmesh-logback.xml" <<'EOF'
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="OUT"/></root>
</configuration>
EOF
    # snapshot the jars: other builds on this machine may rewrite ~/.m2 while xmesh runs
    mkdir -p "$OUT/xmesh-lib"
    cp "$bootstrap_jar" "$OUT/xmesh-lib/"
    # (this work tree's module jars win over the copies installed in ~/.m2)
    tr ':' '\n' <"$OUT/xmesh.classpath" | while read -r j; do
      [ -n "$j" ] || continue
      case "$j" in
        */io/xmesh/*) m=$(basename "$(dirname "$(dirname "$j")")")
                      local_jar="$ROOT/$m/target/$(basename "$j")"
                      [ -f "$local_jar" ] && j=$local_jar ;;
      esac
      cp "$j" "$OUT/xmesh-lib/"
    done
    XMESH_CMD=(java ${XMESH_JAVA_OPTS:--Xms256m -Xmx512m} -Djava.net.preferIPv4Stack=true
      -Dlogback.configurationFile="$OUT/xmesh-logback.xml" -cp "$OUT/xmesh-lib/*"
      io.xmesh.bootstrap.cli.XmeshCli)
    XMESH_HOW="classpath of $bootstrap_jar (no distribution found)"
  fi
fi
if [[ " $TARGETS " == *" xmesh "* ]] && [ ${#XMESH_CMD[@]} -eq 0 ]; then
  log "xmesh not built (no proxy-bootstrap/target/xmesh-*/bin/xmesh nor proxy-bootstrap jar): running without xmesh"
  TARGETS=${TARGETS//xmesh/}
fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_port() { # port timeout_s -> 0 when accepting
  local port=$1 deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -le "$deadline" ]; do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.005
  done
  return 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

BACKEND_DUBBO=$(free_port); BACKEND_HTTP=$(free_port)
HAPROXY_DUBBO=$(free_port); HAPROXY_HTTP=$(free_port)
XMESH_DUBBO=$(free_port); XMESH_HTTP=$(free_port); XMESH_ADMIN=$(free_port)

# ---------------------------------------------------------------- processes
start_backend() {
  taskset -c $LOAD_CPU java -Xms256m -Xmx256m -XX:+UseParallelGC -cp "$JAR" io.xmesh.sample.Main serve \
    --dubbo-port "$BACKEND_DUBBO" --http-port "$BACKEND_HTTP" --threads 1 >"$OUT/backend.log" 2>&1 &
  BACKEND_PID=$!; PIDS+=($BACKEND_PID)
  wait_port "$BACKEND_DUBBO" 30 && wait_port "$BACKEND_HTTP" 30 || { cat "$OUT/backend.log" >&2; exit 1; }
}

# HAProxy in TCP mode needs two descriptors per connection; stay within the descriptor limit
HAPROXY_MAXCONN=$(( ($(ulimit -n) - 200) / 2 ))
write_haproxy_cfg() {
  cat >"$OUT/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn $HAPROXY_MAXCONN
defaults
  timeout connect 5s
  timeout client 120s
  timeout server 120s
frontend dubbo_tcp
  mode tcp
  bind 127.0.0.1:$HAPROXY_DUBBO
  default_backend dubbo_backend
backend dubbo_backend
  mode tcp
  server sample 127.0.0.1:$BACKEND_DUBBO
frontend http_in
  mode http
  bind 127.0.0.1:$HAPROXY_HTTP
  default_backend http_backend
backend http_backend
  mode http
  http-reuse always
  server sample 127.0.0.1:$BACKEND_HTTP
EOF
}

start_haproxy() {
  taskset -c $PROXY_CPU haproxy -db -f "$OUT/haproxy.cfg" >"$OUT/haproxy.log" 2>&1 &
  HAPROXY_PID=$!; PIDS+=($HAPROXY_PID)
  wait_port "$HAPROXY_DUBBO" 10 || { cat "$OUT/haproxy.log" >&2; exit 1; }
}

write_xmesh_cfg() {
  cat >"$OUT/xmesh.yaml" <<EOF
# xmesh benchmark configuration (generated by benchmarks/run-e2e.sh)
admin:
  address: 127.0.0.1
  port: $XMESH_ADMIN
engine:
  eventLoops: 1
listeners:
  - name: dubbo-bench
    address: 127.0.0.1
    port: $XMESH_DUBBO
    protocols: [dubbo]
  - name: http-bench
    address: 127.0.0.1
    port: $XMESH_HTTP
    protocols: [http]
routes:
  - name: dubbo-all
    listeners: [dubbo-bench]
    cluster: sample-dubbo
  - name: http-all
    listeners: [http-bench]
    cluster: sample-http
clusters:
  - name: sample-dubbo
    protocol: dubbo
    hosts: [ "127.0.0.1:$BACKEND_DUBBO" ]
  - name: sample-http
    protocol: http
    hosts: [ "127.0.0.1:$BACKEND_HTTP" ]
EOF
}

XMESH_CFG=${XMESH_CONFIG:-}
start_xmesh() {
  local cfg=${XMESH_CFG:-$OUT/xmesh.yaml}
  taskset -c $PROXY_CPU "${XMESH_CMD[@]}" run -c "$cfg" >"$OUT/xmesh.log" 2>&1 &
  XMESH_PID=$!; PIDS+=($XMESH_PID)
  wait_port "$XMESH_DUBBO" 30 || { cat "$OUT/xmesh.log" >&2; exit 1; }
  # bin/xmesh may exec java or run it as a child; measure the JVM
  local child; child=$(pgrep -P "$XMESH_PID" java 2>/dev/null | head -n 1 || true)
  if [ -n "$child" ]; then XMESH_PID=$child; fi
  return 0
}

port_of() { # target protocol
  case "$1:$2" in
    direct:dubbo) echo "$BACKEND_DUBBO" ;; direct:http) echo "$BACKEND_HTTP" ;;
    haproxy:dubbo) echo "$HAPROXY_DUBBO" ;; haproxy:http) echo "$HAPROXY_HTTP" ;;
    xmesh:dubbo) echo "$XMESH_DUBBO" ;; xmesh:http) echo "$XMESH_HTTP" ;;
  esac
}
pid_of() {
  case "$1" in direct) echo "" ;; haproxy) echo "$HAPROXY_PID" ;; xmesh) echo "$XMESH_PID" ;; esac
}

# ---------------------------------------------------------------- runs
RESULTS=$OUT/results.tsv
printf 'round\tproto\tlevel\ttarget\trps\tp50_us\tp99_us\tp999_us\terrors\tproxy_cpu_us_per_req\tproxy_rss_kb\tbackend_cpu_us_per_req\n' >"$RESULTS"

run_one() { # round proto level target
  local round=$1 proto=$2 level=$3 target=$4 port pid c0 c1 b0 b1 line rps p50 p99 p999 errs n
  port=$(port_of "$target" "$proto"); pid=$(pid_of "$target")
  for p in "$BACKEND_PID" $pid; do
    if ! kill -0 "$p" 2>/dev/null; then
      log "process $p (backend or proxy under test) is gone (crashed or killed from outside); stopping. Logs: $OUT"
      exit 1
    fi
  done
  c0=0; [ -n "$pid" ] && c0=$(cpu_ticks "$pid")
  b0=$(cpu_ticks "$BACKEND_PID")
  if [ "$proto" = dubbo ]; then
    local conns=${level%%:*} inflight=${level##*:}
    line=$(taskset -c $LOAD_CPU java -Xms256m -Xmx256m -XX:+UseParallelGC -cp "$JAR" io.xmesh.benchmarks.load.DubboLoad \
      --target "127.0.0.1:$port" --connections "$conns" --inflight "$inflight" --duration "$DURATION" \
      --warmup "$WARMUP" --label "$target" 2>>"$OUT/load.err" | tee -a "$OUT/load.log" | grep '^RESULT' || true)
    rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$line")
    p50=$(sed -n 's/.* p50_us=\([0-9.]*\).*/\1/p' <<<"$line")
    p99=$(sed -n 's/.* p99_us=\([0-9.]*\).*/\1/p' <<<"$line")
    p999=$(sed -n 's/.* p999_us=\([0-9.]*\).*/\1/p' <<<"$line")
    errs=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"$line")
    n=$(sed -n 's/.* completed=\([0-9]*\).*/\1/p' <<<"$line")
  else
    line=$(taskset -c $LOAD_CPU wrk -t1 -c"$level" -d"${DURATION}s" -s "$OUT/report.lua" "http://127.0.0.1:$port/hello" \
      2>>"$OUT/load.err" | tee -a "$OUT/load.log" | grep '^WRK' || true)
    n=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")
    local dur; dur=$(sed -n 's/.* duration_us=\([0-9]*\).*/\1/p' <<<"$line")
    rps=$(python3 -c "print(round(${n:-0}/(${dur:-1}/1e6)))")
    p50=$(sed -n 's/.* p50=\([0-9.]*\).*/\1/p' <<<"$line")
    p99=$(sed -n 's/.* p99=\([0-9.]*\).*/\1/p' <<<"$line")
    p999=$(sed -n 's/.* p999=\([0-9.]*\).*/\1/p' <<<"$line")
    errs=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"$line")
  fi
  b1=$(cpu_ticks "$BACKEND_PID")
  local cpu="-" rss="-" bcpu="-"
  if [ -n "$pid" ]; then
    c1=$(cpu_ticks "$pid"); rss=$(rss_kb "$pid")
    [ "${n:-0}" -gt 0 ] && cpu=$(python3 -c "print(round(($c1-$c0)*1e6/$CLK_TCK/$n, 2))")
  fi
  [ "${n:-0}" -gt 0 ] && bcpu=$(python3 -c "print(round(($b1-$b0)*1e6/$CLK_TCK/$n, 2))")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$proto" "$level" "$target" "${rps:-0}" \
    "${p50:-NaN}" "${p99:-NaN}" "${p999:-NaN}" "${errs:-?}" "$cpu" "$rss" "$bcpu" | tee -a "$RESULTS" >&2
}

cat >"$OUT/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d duration_us=%d errors=%d p50=%.1f p99=%.1f p999=%.1f\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
EOF

log "output in $OUT; targets: $TARGETS; proxy on CPU $PROXY_CPU, load and backend on CPU $LOAD_CPU"
start_backend
write_haproxy_cfg
if [[ " $TARGETS " == *" haproxy "* ]]; then start_haproxy; fi
write_xmesh_cfg
if [[ " $TARGETS " == *" xmesh "* ]]; then start_xmesh; fi
log "backend pid $BACKEND_PID, haproxy pid ${HAPROXY_PID:-none}, xmesh pid ${XMESH_PID:-none} (${XMESH_HOW:-not run})"

# a first pass warms every JVM (backend, xmesh: JIT) before anything is recorded
for t in $TARGETS; do
  taskset -c $LOAD_CPU java -cp "$JAR" io.xmesh.benchmarks.load.DubboLoad --target "127.0.0.1:$(port_of "$t" dubbo)" \
    --connections 4 --inflight 16 --duration "$WARM" --warmup 1 --label "warm-$t" >>"$OUT/load.log" 2>&1 || true
  if [ $SKIP_HTTP = 0 ]; then
    taskset -c $LOAD_CPU wrk -t1 -c16 -d"$(( (WARM + 1) / 2 ))s" "http://127.0.0.1:$(port_of "$t" http)/hello" >>"$OUT/load.log" 2>&1 || true
  fi
done

for round in $(seq 1 "$ROUNDS"); do
  for level in $LEVELS; do
    for t in $TARGETS; do run_one "$round" dubbo "$level" "$t"; done
  done
  if [ $SKIP_HTTP = 0 ]; then
    for t in $TARGETS; do run_one "$round" http "$HTTP_CONNECTIONS" "$t"; done
  fi
done

# ---------------------------------------------------------------- memory per idle connection
MEMORY=$OUT/memory.tsv
printf 'target\tidle_connections\talive_at_end\trss_before_kb\trss_after_kb\trss_per_conn_bytes\theap_before_kb\theap_after_kb\theap_per_conn_bytes\n' >"$MEMORY"
heap_used_kb() { # pid -> used heap in KB after a full GC, or "-"
  command -v jcmd >/dev/null || { echo "-"; return; }
  jcmd "$1" GC.run >/dev/null 2>&1 || { echo "-"; return; }
  jcmd "$1" GC.heap_info 2>/dev/null | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | awk '{s+=$1} END {print (NR ? s : "-")}'
}
if [ $SKIP_MEMORY = 0 ]; then
  for t in $TARGETS; do
    [ "$t" = direct ] && continue
    pid=$(pid_of "$t"); port=$(port_of "$t" dubbo); count=$IDLE
    if [ "$t" = haproxy ] && [ "$count" -gt $((HAPROXY_MAXCONN - 100)) ]; then
      count=$((HAPROXY_MAXCONN - 100)); log "haproxy: $count idle connections (descriptor limit $(ulimit -n))"
    fi
    h0=$([ "$t" = xmesh ] && heap_used_kb "$pid" || echo "-"); sleep 1; r0=$(rss_kb "$pid")
    fifo=$OUT/idle.fifo; rm -f "$fifo"; mkfifo "$fifo"
    taskset -c $LOAD_CPU java -cp "$JAR" io.xmesh.benchmarks.load.IdleConnections --target "127.0.0.1:$port" \
      --count "$count" --hold 300 --dubbo-heartbeat <"$fifo" >"$OUT/idle-$t.log" 2>&1 &
    idle_pid=$!; exec 9>"$fifo"
    for _ in $(seq 1 600); do grep -q '^OPEN' "$OUT/idle-$t.log" && break; sleep 0.1; done
    sleep 2
    h1=$([ "$t" = xmesh ] && heap_used_kb "$pid" || echo "-"); r1=$(rss_kb "$pid")
    opened=$(sed -n 's/^OPEN ok=\([0-9]*\).*/\1/p' "$OUT/idle-$t.log"); opened=${opened:-0}
    exec 9>&-; wait $idle_pid 2>/dev/null || true; rm -f "$fifo"
    alive=$(sed -n 's/^CLOSED alive=\([0-9]*\).*/\1/p' "$OUT/idle-$t.log")
    per=$([ "$opened" -gt 0 ] && python3 -c "print(round(($r1-$r0)*1024/$opened))" || echo "-")
    hper="-"; [ "$h0" != "-" ] && [ "$h1" != "-" ] && [ "$opened" -gt 0 ] && hper=$(python3 -c "print(round(($h1-$h0)*1024/$opened))")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$opened" "${alive:-?}" "$r0" "$r1" "$per" "$h0" "$h1" "$hper" | tee -a "$MEMORY" >&2
    sleep 2
  done
fi

# ---------------------------------------------------------------- startup
STARTUP=$OUT/startup.tsv
printf 'process\trun\tms_to_accepting\tcpu_ms_to_accepting\n' >"$STARTUP"
startup_ms() { # name command... (port in $SP)
  local name=$1; shift
  local t0 t1 p
  t0=$(date +%s%N)
  "$@" >"$OUT/startup-$name.log" 2>&1 &
  p=$!
  # wall time, and the CPU time the process used until then (less sensitive to a busy machine)
  if wait_port "$SP" 60; then
    t1=$(date +%s%N)
    local c; c=$(cpu_ticks "$p" 2>/dev/null || echo 0)
    printf '%s\t%s' $(( (t1 - t0) / 1000000 )) $(( c * 1000 / CLK_TCK ))
  else
    printf -- '-\t-'
  fi
  kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true
  sleep 0.5
}
if [ $SKIP_STARTUP = 0 ]; then
  for run in 1 2 3; do
    SP=$(free_port)
    ms=$(startup_ms sample taskset -c $PROXY_CPU java -cp "$JAR" io.xmesh.sample.Main serve --dubbo-port "$SP" --http-port -1)
    printf 'sample-backend (JVM)\t%s\t%s\n' "$run" "$ms" | tee -a "$STARTUP" >&2
    if [[ " $TARGETS " == *" haproxy "* ]]; then
      SP=$(free_port)
      sed -e "s/127.0.0.1:$HAPROXY_DUBBO/127.0.0.1:$SP/" -e "s/127.0.0.1:$HAPROXY_HTTP/127.0.0.1:$(free_port)/" \
        "$OUT/haproxy.cfg" >"$OUT/haproxy-startup.cfg"
      ms=$(startup_ms haproxy taskset -c $PROXY_CPU haproxy -db -f "$OUT/haproxy-startup.cfg")
      printf 'haproxy\t%s\t%s\n' "$run" "$ms" | tee -a "$STARTUP" >&2
    fi
    if [[ " $TARGETS " == *" xmesh "* ]]; then
      SP=$(free_port)
      sed -e "s/port: $XMESH_DUBBO\$/port: $SP/" -e "s/port: $XMESH_HTTP\$/port: $(free_port)/" \
        -e "s/port: $XMESH_ADMIN\$/port: $(free_port)/" "${XMESH_CFG:-$OUT/xmesh.yaml}" >"$OUT/xmesh-startup.yaml"
      ms=$(startup_ms xmesh taskset -c $PROXY_CPU "${XMESH_CMD[@]}" run -c "$OUT/xmesh-startup.yaml")
      printf 'xmesh\t%s\t%s\n' "$run" "$ms" | tee -a "$STARTUP" >&2
    fi
  done
fi

# ---------------------------------------------------------------- report
python3 - "$RESULTS" "$MEMORY" "$STARTUP" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
def num(v):
    try: return float(v)
    except ValueError: return None
def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None
def fmt(v, nd=1):
    return '-' if v is None else (f'{v:,.0f}' if nd == 0 else f'{v:.{nd}f}')
groups = {}
for r in rows:
    groups.setdefault((r['proto'], r['level'], r['target']), []).append(r)
print()
print('## End-to-end results (median over rounds; load generator and backend on CPU 0, proxy on CPU 1)')
print()
print('| protocol | load | target | req/s | p50 µs | p99 µs | p99.9 µs | errors | proxy CPU µs/req | proxy RSS MiB | backend CPU µs/req | rounds |')
print('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
summary = {}
for (proto, level, target), rs in groups.items():
    m = {k: med([num(r[k]) for r in rs]) for k in ('rps','p50_us','p99_us','p999_us','proxy_cpu_us_per_req','proxy_rss_kb','backend_cpu_us_per_req')}
    errors = sum(int(r['errors']) if r['errors'].isdigit() else 0 for r in rs)
    summary[(proto, level, target)] = m
    load = (f'{level.split(":")[0]} conn x {level.split(":")[1]} in flight' if proto == 'dubbo' else f'{level} connections (wrk)')
    print(f"| {proto} | {load} | {target} | {fmt(m['rps'],0)} | {fmt(m['p50_us'])} | {fmt(m['p99_us'])} | {fmt(m['p999_us'])} | {errors} | "
          f"{fmt(m['proxy_cpu_us_per_req'],2)} | {fmt(None if m['proxy_rss_kb'] is None else m['proxy_rss_kb']/1024)} | {fmt(m['backend_cpu_us_per_req'],2)} | {len(rs)} |")
ratios = []
for (proto, level, target), m in summary.items():
    if target != 'xmesh': continue
    h = summary.get((proto, level, 'haproxy'))
    if not h: continue
    def ratio(a, b): return None if a is None or b in (None, 0) else a / b
    ratios.append((proto, level, ratio(m['proxy_cpu_us_per_req'], h['proxy_cpu_us_per_req']), ratio(m['rps'], h['rps']),
                   None if m['p50_us'] is None or h['p50_us'] is None else m['p50_us'] - h['p50_us']))
if ratios:
    print()
    print('| protocol | load | xmesh/HAProxy CPU per request | xmesh/HAProxy req/s | xmesh p50 - HAProxy p50 (µs) |')
    print('|---|---|---:|---:|---:|')
    for proto, level, c, t, d in ratios:
        print(f'| {proto} | {level} | {fmt(c,2)} | {fmt(t,2)} | {fmt(d)} |')
try:
    mem = list(csv.DictReader(open(sys.argv[2]), delimiter='\t'))
    if mem:
        print()
        print('| target | idle connections (alive at end) | RSS before MiB | RSS after MiB | RSS per connection (bytes) | heap per connection (bytes) |')
        print('|---|---:|---:|---:|---:|---:|')
        for r in mem:
            print(f"| {r['target']} | {r['idle_connections']} ({r['alive_at_end']}) | {fmt(num(r['rss_before_kb']) and num(r['rss_before_kb'])/1024)} | "
                  f"{fmt(num(r['rss_after_kb']) and num(r['rss_after_kb'])/1024)} | {r['rss_per_conn_bytes']} | {r['heap_per_conn_bytes']} |")
except FileNotFoundError:
    pass
try:
    st = list(csv.DictReader(open(sys.argv[3]), delimiter='\t'))
    if st:
        by = {}
        for r in st: by.setdefault(r['process'], []).append((num(r['ms_to_accepting']), num(r['cpu_ms_to_accepting'])))
        print()
        print('| process | start to accepting connections, wall ms (median) | CPU ms used until then (median) | runs (wall ms) |')
        print('|---|---:|---:|---|')
        for p, v in by.items():
            print(f"| {p} | {fmt(med([w for w, _ in v]),0)} | {fmt(med([c for _, c in v]),0)} | {', '.join(fmt(w,0) for w, _ in v)} |")
except FileNotFoundError:
    pass
EOF
log "raw results: $RESULTS"
