#!/usr/bin/env bash
# The Java 17 modules' tests on a JDK 17 JVM without jdk.incubator.vector (so the scalar kernels run end to end),
# after `mvn verify` has built everything on JDK 25. The modules are the root pom's squeeze.java17.modules; each
# must compile with maven.compiler.release 17, which this script checks. Run by ./squeeze-test; extra arguments go
# to Maven.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
. scripts/jdk25.sh
. scripts/jdk17.sh
squeeze_jdk17

# squeeze.java17.modules, one per line in the root pom
modules=$(sed -n '/^ *<squeeze.java17.modules>/,/<\/squeeze.java17.modules>/p' pom.xml | sed 's/<[^>]*>//g; s/[ ,]//g' | grep -v '^$')
for m in $modules; do
    grep -q '<maven.compiler.release>17</maven.compiler.release>' "$m/pom.xml" \
        || { echo "test-jdk17: $m is listed in squeeze.java17.modules but its pom does not set maven.compiler.release 17" >&2; exit 1; }
done
for p in */pom.xml; do
    m=$(dirname "$p")
    if grep -q '<maven.compiler.release>17</maven.compiler.release>' "$p" && ! grep -qx "$m" <<<"$modules"; then
        echo "test-jdk17: $m compiles for Java 17 but is missing from squeeze.java17.modules in pom.xml" >&2
        exit 1
    fi
done
echo "test-jdk17: $(echo $modules | tr ' ' ',') on $SQUEEZE_JDK17 (no jdk.incubator.vector)"
exec mvn -B -ntp -pl "$(echo $modules | tr ' ' ',')" -Pjdk17 -Dsqueeze.jdk17.home="$SQUEEZE_JDK17" test "$@"
