#!/bin/sh
# Vendor axe-core into phaseout/core/tests/vendor/axe-core/ from the npm registry, for the
# accessibility tests only (test_accessibility.py injects it into each page with Playwright;
# the platform never serves it: it is not under static/).
#   scripts/vendor_axe.sh            # the version in phaseout/core/tests/vendor/axe-core/VERSION
#   scripts/vendor_axe.sh 4.15.0     # another version; then run `pytest -m browser`
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
DEST="$HERE/phaseout/core/tests/vendor/axe-core"
VERSION=${1:-$(cat "$DEST/VERSION")}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "axe-core@$VERSION" >/dev/null
tar xzf "axe-core-$VERSION.tgz"
test "$(node -p "require('./package/package.json').version")" = "$VERSION"
mkdir -p "$DEST"
cp package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt "$DEST/"
printf '%s\n' "$VERSION" > "$DEST/VERSION"
cd "$DEST"
sha256sum axe.min.js > SHA256SUMS
echo "axe-core $VERSION vendored into $DEST"
cat SHA256SUMS
