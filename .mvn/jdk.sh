# Sourced by ./jvirt and ./mvnw: make JAVA_HOME point at a JDK of version 25 or later.
# Written for POSIX sh under "set -euf" (no globbing), as mvnw runs it.
# Order: JAVA_HOME, then the java on PATH, then the JDKs installed under /usr/lib/jvm.
jvirt_java_major() { # prints the feature version of the java binary $1, or nothing
  # The JDK's release file says it without starting a JVM (a third of a second saved per launch).
  release="$(dirname "$(dirname "$1")")/release"
  if [ -r "$release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n 1
    return
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
jvirt_find_jdk() {
  local cand v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(jvirt_java_major "$JAVA_HOME/bin/java"); [ "${v:-0}" -ge 25 ] && return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(jvirt_java_major "$cand/bin/java"); [ "${v:-0}" -ge 25 ] && { export JAVA_HOME="$cand"; return 0; }
  fi
  for cand in $(ls /usr/lib/jvm 2>/dev/null); do
    cand=/usr/lib/jvm/$cand
    [ -x "$cand/bin/javac" ] || continue
    v=$(jvirt_java_major "$cand/bin/java"); [ "${v:-0}" -ge 25 ] && { export JAVA_HOME="$cand"; return 0; }
  done
  echo "jvirt: no JDK 25 or later found (JAVA_HOME, PATH, /usr/lib/jvm); install one, e.g. 'apt-get install temurin-25-jdk' or set JAVA_HOME" >&2
  return 1
}
jvirt_find_jdk || exit 1
