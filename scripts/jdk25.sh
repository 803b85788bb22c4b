# Sourced by ./squeeze and ./squeeze-test: sets JAVA_HOME to a JDK 25 or exits with what to install.
# Order: $JAVA_HOME if it is 25; a JDK 25 among the system's installed JVMs; `java` on PATH if it is 25.

squeeze_java_major() {
  # prints the feature version of the java binary $1 (e.g. 25), or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

squeeze_find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(squeeze_java_major "$JAVA_HOME/bin/java")" = "25" ]; then
    return 0
  fi
  local candidate
  for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
                   /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [ -x "$candidate/bin/javac" ] && [ "$(squeeze_java_major "$candidate/bin/java")" = "25" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    local onpath
    onpath=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if [ "$(squeeze_java_major "$onpath/bin/java")" = "25" ]; then
      export JAVA_HOME="$onpath"
      return 0
    fi
  fi
  echo "squeeze: no JDK 25 found (checked \$JAVA_HOME, /usr/lib/jvm, /opt, ~/.sdkman, PATH)." >&2
  echo "Install one, e.g. 'apt-get install temurin-25-jdk' (Adoptium repository) or from https://adoptium.net," >&2
  echo "or set JAVA_HOME to a JDK 25." >&2
  exit 3
}

squeeze_find_jdk25
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries call sun.misc.Unsafe, which JDK 25 warns about on every run.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
