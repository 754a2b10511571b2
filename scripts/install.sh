#!/usr/bin/env bash
# Installs a built tanba binary with the data it needs: BINARY → PREFIX/bin/tanba, xsd/, reference/ and web/ →
# PREFIX/share/tanba/ (where the binary looks for them: ../share/tanba/ relative to itself).
# Usage: scripts/install.sh BINARY PREFIX   (run from the repository root; `make install PREFIX=…` calls it)
set -euo pipefail
binary=$1
prefix=$2
here=$(cd "$(dirname "$0")/.." && pwd)
install -d "$prefix/bin" "$prefix/share/tanba"
install -m 755 "$binary" "$prefix/bin/tanba"
# Replace the data folders whole: a file removed from the repository must not linger in an old install.
rm -rf "$prefix/share/tanba/xsd" "$prefix/share/tanba/reference" "$prefix/share/tanba/web"
cp -R "$here/xsd" "$here/reference" "$here/web" "$prefix/share/tanba/"
echo "installed $prefix/bin/tanba (schemas and reference data in $prefix/share/tanba)"
