#!/usr/bin/env bash
# Packages the Romotica desktop app on macOS (run on a macOS CI runner: jpackage cannot cross-build).
#   desktop/packaging/macos.sh [app-image|dmg]        (default: dmg)
# Needs a JDK 21+ (JAVA_HOME or the one ./romotica finds). Output: desktop/target/macos/Romotica.app or
# Romotica-<version>.dmg. Signing/notarisation: add --mac-sign --mac-signing-key-user-name "…" and run
# xcrun notarytool on the result in the release job.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
TYPE="${1:-dmg}"
VERSION="${ROMOTICA_APP_VERSION:-0.1.0}"
WEBRTC_VERSION=0.14.0
case "$(uname -m)" in
  arm64|aarch64) CLASSIFIER=macos-aarch64 ;;
  *) CLASSIFIER=macos-x86_64 ;;
esac
JAVA_HOME="${JAVA_HOME:-$(./romotica java-home)}"
export JAVA_HOME

# The jar and its libraries (the Linux image is a Linux-only profile, so nothing else is built).
./mvnw -B -ntp -pl desktop -am package -DskipTests -DskipAppImage=true
input=desktop/target/jpackage-input
# Swap the Linux native library for this Mac's.
rm -f "$input"/lib/webrtc-java-*-linux-*.jar
./mvnw -B -ntp -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  -Dartifact="dev.onvoid.webrtc:webrtc-java:$WEBRTC_VERSION:jar:$CLASSIFIER" -DoutputDirectory="$input/lib"

modules=$(sed -n 's:.*<app.modules>\(.*\)</app.modules>.*:\1:p' desktop/pom.xml)
rm -rf desktop/target/macos
"$JAVA_HOME/bin/jpackage" --type "$TYPE" --name Romotica --app-version "$VERSION" --vendor Romotica \
  --dest desktop/target/macos --input "$input" --main-jar romotica-desktop.jar \
  --main-class io.romotica.desktop.DesktopMain --add-modules "$modules" \
  --jlink-options "--strip-native-commands --strip-debug --no-man-pages --no-header-files --include-locales=en,tr" \
  --java-options --enable-native-access=ALL-UNNAMED --mac-package-identifier io.romotica.desktop
ls -l desktop/target/macos
