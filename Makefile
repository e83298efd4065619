# minertriage — the two commands a newcomer runs: `make demo` and `make test`.
GO       ?= go
BIN      ?= bin/minertriage
FUZZTIME ?= 10s
PKGS     := ./...

.PHONY: all build test bench demo fuzz install screenshots fmt vet clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/minertriage

# gofmt check, go vet, then every test with the race detector.
test:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(PKGS)

# Benchmarks: import, list, capture analysis, flow scoring, UI frames.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime=1x -timeout 30m $(PKGS)

# Open the workbench on the built-in demo case (a temporary store).
demo:
	$(GO) run ./cmd/minertriage demo

# Run every fuzz target briefly (FUZZTIME each). The corpus each run finds
# is kept under the package's testdata/fuzz/.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg; \
	  done; \
	done

install:
	$(GO) install ./cmd/minertriage

# PNGs of the main screens (needs freeze, librsvg2-bin and fonts-dejavu-core;
# screenshots/make.sh installs them).
screenshots:
	bash screenshots/make.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet $(PKGS)

clean:
	rm -rf bin
