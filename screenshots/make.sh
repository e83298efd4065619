#!/usr/bin/env bash
# Renders the workbench screens to PNG, offline: cmd/shot draws each screen
# from the fixtures as ANSI (TrueColor, dark background), then
# charmbracelet/freeze turns the ANSI into PNG through rsvg-convert with an
# installed monospace font (STYLE.md §4.8: DejaVu Sans Mono; no braille,
# no Reverse, hex colours).
set -euo pipefail
cd "$(dirname "$0")/.."

W=${W:-120}
H=${H:-36}
SCREENS=${SCREENS:-"queue addresses application netflow capture packets strings stream stratum decision notes help"}

need_apt=()
command -v rsvg-convert >/dev/null || need_apt+=(librsvg2-bin)
fc-list 2>/dev/null | grep -q "DejaVu Sans Mono" || need_apt+=(fonts-dejavu-core)
if [ ${#need_apt[@]} -gt 0 ]; then
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq "${need_apt[@]}"
fi
FREEZE=$(go env GOPATH)/bin/freeze
if [ ! -x "$FREEZE" ]; then
	go install github.com/charmbracelet/freeze@v0.2.2
fi

go build -o /tmp/minertriage-shot ./cmd/shot
for s in $SCREENS; do
	/tmp/minertriage-shot -screen "$s" -w "$W" -h "$H" > "screenshots/$s.ansi"
	# freeze's own PNGs are drawn at 4x (~1.5 MB each); go through its SVG
	# and rasterise at 2x instead, which stays sharp on high-DPI screens.
	"$FREEZE" "screenshots/$s.ansi" --language ansi --window --padding 20 \
		--font.size 14 --font.family "DejaVu Sans Mono" -o "/tmp/minertriage-$s.svg" >/dev/null
	rsvg-convert --zoom 2 "/tmp/minertriage-$s.svg" -o "screenshots/$s.png"
	echo "screenshots/$s.png"
done
