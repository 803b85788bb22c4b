#!/usr/bin/env bash
# The JDK 17 consumer test. Installs this build's squeeze-langchain4j, and the squeeze artifacts it depends on, into a
# private repository under squeeze-langchain4j/target/consumer-it (never ~/.m2), then builds and runs the small Maven
# project squeeze-langchain4j/src/it/jdk17-consumer with Maven on a JDK 17, offline: that build's local repository is
# the private one and every remote repository is mirrored to this machine's Maven repository (file://), where the
# third-party artifacts it needs (LangChain4j and its dependencies, the dependency plugin) are fetched first by a
# setup step. The dev.squeeze snapshots can only come from the private repository (no remote serves snapshots).
# Checks: the program was compiled for Java 17, its resolved dependency tree holds no bench, eval, progressbar or
# jline artifact, it ran on JDK 17 and compressed the retrieved context through LangChain4j's RetrievalAugmentor,
# keeping the answer sentence. Needs the jars of `mvn verify` (./squeeze-test runs it after that).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
. scripts/jdk25.sh
. scripts/jdk17.sh
squeeze_jdk17

# the squeeze artifacts a squeeze-langchain4j user resolves (its compile/runtime closure within the reactor)
artifacts="squeeze-core squeeze-text squeeze-langchain4j"
version=$(sed -n '0,/<artifactId>squeeze-parent<\/artifactId>/d; s/.*<version>\(.*\)<\/version>.*/\1/p' pom.xml | head -n 1)
langchain4j=$(sed -n 's/.*<langchain4j.version>\(.*\)<\/langchain4j.version>.*/\1/p' pom.xml | head -n 1)
work="$root/squeeze-langchain4j/target/consumer-it"
m2="${SQUEEZE_M2_REPO:-$HOME/.m2/repository}"
rm -rf "$work"
mkdir -p "$work/repo"
cp -r squeeze-langchain4j/src/it/jdk17-consumer "$work/project"

fail() { echo "consumer-test: FAILED: $*" >&2; exit 1; }
install_file() {  # FILE POM [packaging]
    (cd "$work" && mvn -B -q -Dstyle.color=never org.apache.maven.plugins:maven-install-plugin:3.1.3:install-file -Dfile="$1" -DpomFile="$2" \
        ${3:+-Dpackaging=$3} -DlocalRepositoryPath="$work/repo") || fail "cannot install $1 into $work/repo"
}
install_file "$root/pom.xml" "$root/pom.xml" pom
for a in $artifacts; do
    jar="$root/$a/target/$a-$version.jar"
    [ -f "$jar" ] || fail "$jar is missing: run mvn verify first"
    install_file "$jar" "$root/$a/pom.xml"
done

# setup (may use the network, like any build): what the consumer needs besides squeeze, into this machine's repository
for coords in "dev.langchain4j:langchain4j-core:$langchain4j" "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"; do
    (cd "$work" && mvn -B -q -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get -Dartifact="$coords") \
        || fail "cannot fetch $coords into $m2"
done
cat > "$work/settings.xml" <<XML
<settings>
  <mirrors>
    <mirror>
      <id>machine-m2</id>
      <mirrorOf>*</mirrorOf>
      <url>file://$m2</url>
    </mirror>
  </mirrors>
</settings>
XML

echo "consumer-test: building squeeze-langchain4j/src/it/jdk17-consumer with Maven on $SQUEEZE_JDK17 against $work/repo"
(cd "$work/project" && env JAVA_HOME="$SQUEEZE_JDK17" PATH="$SQUEEZE_JDK17/bin:$PATH" MAVEN_OPTS= \
    mvn -B -ntp -s "$work/settings.xml" -Dmaven.repo.local="$work/repo" -Dsqueeze.version="$version" -Dlangchain4j.version="$langchain4j" process-classes) \
    > "$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; fail "the consumer build failed (log: $work/build.log)"; }

major=$("$SQUEEZE_JDK17/bin/javap" -v -cp "$work/project/target/classes" example.RagConsumer | sed -n 's/ *major version: //p')
[ "$major" = 61 ] || fail "example.RagConsumer has class file version $major, not 61 (Java 17)"
tree="$work/project/target/dependency-tree.txt"
cat "$tree"
if grep -nE 'squeeze-bench|squeeze-eval|progressbar|jline' "$tree"; then
    fail "the dependency tree of a squeeze-langchain4j consumer holds a bench, eval, progressbar or jline artifact"
fi
cp="$work/project/target/classpath.txt"
for a in $artifacts; do
    cmp -s "$work/repo/dev/squeeze/$a/$version/$a-$version.jar" "$root/$a/target/$a-$version.jar" \
        || fail "the private repository's $a jar is not this build's"
done
if tr ':' '\n' < "$cp" | grep '/dev/squeeze/' | grep -v "^$work/repo/"; then
    fail "a squeeze artifact on the consumer's class path is not from the private repository"
fi

question="How long are database backups kept on the Pro plan?"
answer="On the Pro plan, Harbor Cloud keeps continuous write-ahead logs in addition to hourly snapshots, so an instance can be restored to any second within the last 35 days."
"$SQUEEZE_JDK17/bin/java" -cp "$work/project/target/classes:$(cat "$cp")" example.RagConsumer \
    "$root/examples/rag-context.txt" "$question" 300 > "$work/run.log" 2>&1 || { cat "$work/run.log" >&2; fail "the consumer program failed"; }
grep -E '^(java.version|documents|tokens) ' "$work/run.log"
grep -q '^java.version 17' "$work/run.log" || fail "the program did not run on Java 17"
read -r origin compressed < <(sed -n 's/^tokens \([0-9]*\) -> \([0-9]*\) .*/\1 \2/p' "$work/run.log")
[ -n "${compressed:-}" ] && [ "$compressed" -lt "$origin" ] || fail "no compression: tokens $origin -> ${compressed:-?}"
grep -qF "$answer" "$work/run.log" || { cat "$work/run.log" >&2; fail "the answer sentence was not kept"; }
echo "consumer-test: passed (Java 17 consumer of squeeze-langchain4j $version: $origin -> $compressed tokens, answer kept, no bench/progressbar/jline)"
