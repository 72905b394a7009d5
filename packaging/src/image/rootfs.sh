#!/usr/bin/env bash
# Lays out the container image's own files (besides nothing: the image is built FROM scratch by Jib):
#   /opt/java      a Java runtime made by jlink from the build's JDK, with only the modules the operator uses
#   /lib, /lib64   the few shared libraries that runtime links against, copied from the build machine
#   /app           the operator's jar (the same file as operator/target/pve-ha-operator.jar)
#   /etc           passwd/group entries for the non-root user 65532 ("nonroot"), nsswitch.conf
#   /tmp           empty; the chart mounts an emptyDir there (the root filesystem is read-only)
# Usage: rootfs.sh OUTPUT_DIR OPERATOR_JAR [CLASSES_DIR]
#   CLASSES_DIR: the (empty) class output directory of the packaging module, which Jib insists exists
# Same JDK, same host libraries and same jar give the same files (jlink's output is deterministic), and Jib
# gives every file the same time and owner, so the image digest is the same.
set -euo pipefail
out=$1
jar=$2
[ -z "${3:-}" ] || mkdir -p "$3"
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}

# From `jdeps --ignore-missing-deps --print-module-deps --multi-release 17 operator/target/pve-ha-operator.jar`,
# plus jdk.crypto.ec (TLS with EC keys and certificates: PVE and the API server) and jdk.zipfs (no locale data:
# English messages only). java.desktop is there for java.beans (used by libraries), not for AWT: its
# native libraries are removed below.
modules=java.base,java.compiler,java.desktop,java.naming,java.net.http,java.rmi,java.security.jgss,java.sql,jdk.httpserver,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.zipfs

rm -rf "$out"
mkdir -p "$out/opt" "$out/app" "$out/etc" "$out/tmp"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$out/opt/java"
# AWT, sound and font natives: never loaded by the operator and linked against X11 libraries the image lacks.
for lib in libawt.so libawt_headless.so libawt_xawt.so libjawt.so libsplashscreen.so libjsound.so libfontmanager.so \
    libjavajpeg.so liblcms.so libmlib_image.so; do
  rm -f "$out/opt/java/lib/$lib"
done

# The shared libraries the runtime needs, at the paths the build machine has them (ELF interpreter included).
while read -r lib; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done < <(for f in "$out/opt/java/bin/java" "$out"/opt/java/lib/*.so "$out"/opt/java/lib/server/*.so; do ldd "$f"; done \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | grep -v "^$out" | sort -u)

cp "$jar" "$out/app/pve-ha-operator.jar"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
