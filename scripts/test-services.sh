# Sourced by ./squeeze-test before `mvn verify` (bash): starts the services tests need.
# Redis: Debian's redis-server on 127.0.0.1, a free port, no persistence; exports SQUEEZE_REDIS_PORT and
# SQUEEZE_REDIS_SERVER (the binary, for tests that start and kill a private server). Never fails the run:
# without apt or the binary, Redis tests skip with a message saying why.

squeeze_redis_setup() {
    local bin
    bin="$(command -v redis-server 2>/dev/null || true)"
    if [ -z "$bin" ] && command -v apt-get >/dev/null 2>&1; then
        echo "test-services: installing redis-server with apt-get" >&2
        if [ "$(id -u)" = 0 ]; then
            (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq >/dev/null 2>&1 \
                && apt-get install -y -qq --no-install-recommends redis-server >/dev/null 2>&1) \
                || echo "test-services: apt-get could not install redis-server; Redis tests will skip" >&2
        elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            (sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 \
                && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null 2>&1) \
                || echo "test-services: apt-get could not install redis-server; Redis tests will skip" >&2
        else
            echo "test-services: not root and no sudo: cannot install redis-server; Redis tests will skip" >&2
        fi
        bin="$(command -v redis-server 2>/dev/null || true)"
    fi
    if [ -z "$bin" ]; then
        echo "test-services: redis-server unavailable; Redis tests will skip" >&2
        return 0
    fi
    export SQUEEZE_REDIS_SERVER="$bin"
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
        || echo $((20000 + RANDOM % 20000)))"
    local dir
    dir="$(mktemp -d "${TMPDIR:-/tmp}/squeeze-redis.XXXXXX")"
    if "$bin" --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
            --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null 2>&1; then
        local i
        for i in $(seq 1 50); do
            if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
            sleep 0.1
        done
        export SQUEEZE_REDIS_PORT="$port"
        export SQUEEZE_REDIS_PIDFILE="$dir/redis.pid"
        # stop the server when the sourcing shell ends (./squeeze-test execs mvn, which keeps its pid)
        local owner=$$
        ( while kill -0 "$owner" 2>/dev/null; do sleep 2; done
          [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null
          rm -rf "$dir" ) >/dev/null 2>&1 </dev/null &
        disown 2>/dev/null || true
        echo "test-services: redis-server on 127.0.0.1:$port (no persistence)" >&2
    else
        echo "test-services: redis-server failed to start; Redis tests will skip" >&2
    fi
    return 0
}

squeeze_redis_stop() {
    if [ -n "${SQUEEZE_REDIS_PIDFILE:-}" ] && [ -f "$SQUEEZE_REDIS_PIDFILE" ]; then
        kill "$(cat "$SQUEEZE_REDIS_PIDFILE")" 2>/dev/null || true
    fi
}

squeeze_redis_setup
true
