# Sourced by scripts/test-jdk17.sh and scripts/consumer-test.sh: sets SQUEEZE_JDK17 to a JDK 17 (with javac), found at
# $SQUEEZE_JDK17_HOME, at Debian's path, among the installed JVMs, or installed with apt-get (Debian's
# openjdk-17-jdk-headless, as scripts/test-services.sh installs redis-server). Returns 1 with a message if none.

squeeze_find_jdk17() {
    local candidate
    for candidate in "${SQUEEZE_JDK17_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-* \
                     /usr/lib/jvm/*17* /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
        if [ "$(squeeze_java_major "$candidate/bin/java")" = "17" ]; then
            SQUEEZE_JDK17="$candidate"
            return 0
        fi
    done
    return 1
}

squeeze_install_jdk17() {
    command -v apt-get >/dev/null 2>&1 || return 1
    echo "jdk17: installing Debian's openjdk-17-jdk-headless with apt-get" >&2
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else return 1; fi
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless >/dev/null 2>&1
}

squeeze_jdk17() {
    squeeze_find_jdk17 && return 0
    squeeze_install_jdk17 && squeeze_find_jdk17 && return 0
    echo "jdk17: no JDK 17 found (checked \$SQUEEZE_JDK17_HOME, /usr/lib/jvm, /opt) and apt-get could not install" >&2
    echo "openjdk-17-jdk-headless. Install a JDK 17 and set SQUEEZE_JDK17_HOME, or set SQUEEZE_SKIP_JDK17=1 to skip" >&2
    echo "the Java 17 checks (CI must not)." >&2
    return 1
}
