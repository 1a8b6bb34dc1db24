# sarama-zstd: a fork of Sarama with a bounded zstd encoder pool, generated
# from the pinned upstream module and this repository's own files.
# `make` assembles the fork and runs the short fork-against-upstream
# comparison; `make test` runs every test. See README.md.

GO         ?= go
FORK       := build/sarama
BENCH_DIR  := build/bench
BENCHROUNDS ?= 6
BENCHTIME   ?= 2s
BENCH       ?= BenchmarkZstdPool
FUZZ        ?= FuzzZstdDecompress
FUZZTIME    ?= 10m

# Tools run at pinned versions through the module proxy (checksum-verified).
GOTESTSUM   := $(GO) run gotest.tools/gotestsum@v1.13.0
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT   := $(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

# The upstream release to assemble, test and publish: one of upstream.pin's,
# e.g. make fork UPSTREAM=v1.60.0; empty (the default) for the newest.
UPSTREAM ?=
UPSTREAM_FLAG = $(if $(UPSTREAM),-upstream '$(UPSTREAM)')

# Two upstream tests are timing-sensitive on 2-core machines under -race:
# failures are rerun once (never skipped); see docs/tests.md.
RERUN := --rerun-fails=1 --rerun-fails-max-failures=3

# The fork's runs print a dot per test as it ends (test-fork-race runs for
# minutes in one package), failures in full at the end, and skipped tests
# as a count in the DONE line, not a list: upstream skips 27 of its own
# (docs/tests.md says which).
FORKTESTOUT := --format dots --hide-summary=skipped

.PHONY: all fork modfiles compare compare-full test test-tools test-fork test-fork-race \
	test-fork-repeat test-fuzz test-functional test-dist test-matrix test-pr dist upgrade fuzz bench bench-decode bench-encoder pr pr-bench pr-lint lint clean

all: compare

# Says which upstream release the tree is built from and, when the module
# proxy answers within seconds, whether upstream has released a newer one.
fork:
	$(GO) run ./tools/assemble $(UPSTREAM_FLAG)

# build/fork.mod and build/legacy.mod: the root module resolving Sarama to the
# fork or to v1.45.0, for go build/test/vet -modfile=...
modfiles: fork
	$(GO) run ./tools/loadgen/compare -modfiles

# The short comparison: the fork against upstream on three scenarios (small
# batches, large batches, level 19) in rounds of alternating order, each
# run followed by an idle wait and the heap still held; a table and a chart
# per scenario in build/compare/. Ends with the replace line and a verdict
# line per scenario (docs/end-to-end.md says how to read them). On the
# project's 2-core machine, shared: 367 s from a fresh clone at a load
# average of 8, 453 s at 13.
compare: fork
	$(GO) run ./tools/loadgen/compare -short

# The full comparison, legacy v1.45.0 included, whose tables and charts are
# in docs/end-to-end.md.
compare-full: fork
	$(GO) run ./tools/loadgen/compare

test: test-tools test-fork test-fork-race test-fork-repeat test-fuzz test-functional test-dist test-matrix test-pr

# This repository's own packages: the assembler, the load generator, and
# the check that the documents' links and make targets exist (tools/doccheck).
test-tools:
	$(GOTESTSUM) --format pkgname --hide-summary=skipped -- -count=1 -race ./tools/...

# Upstream's complete unit test suite on the fork, with the pool's own tests
# (they are in package sarama).
test-fork: fork
	cd $(FORK) && $(GOTESTSUM) $(FORKTESTOUT) $(RERUN) --packages=./... -- -count=1

# The root package under -race, in the zstdpoison mode: buffers a producer
# gives back are overwritten, so a read after release fails the tests.
test-fork-race: fork
	cd $(FORK) && $(GOTESTSUM) $(FORKTESTOUT) $(RERUN) --packages=. -- -count=1 -race -tags zstdpoison

# The fork's zstd tests own their state (process-wide pools): twice in a row.
test-fork-repeat: fork
	cd $(FORK) && $(GOTESTSUM) $(FORKTESTOUT) --packages=. -- -count=2 -run Zstd

# Consumer modules build and run a program against the forks of two
# supported releases published by tools/dist (this one and the oldest), from
# an empty module cache (see tools/dist/consumer_test.go).
test-dist: fork
	$(GOTESTSUM) --format testname -- -count=1 -tags distconsumer -run '^TestConsumer' ./tools/dist -fork $(CURDIR)/$(FORK)

# The zstd decoder's fuzz target (_overlay/zstd_decoder_test.go), briefly;
# make fuzz runs it for FUZZTIME (FUZZ names another target). Minimizing a
# new input is capped so that the brief run keeps fuzzing. An input that
# fails is written under $(FORK)/testdata/fuzz/: move it to
# _overlay/testdata/fuzz/ to keep it as a regression seed (make fork refuses
# to replace the fork while it is there).
test-fuzz: fork
	cd $(FORK) && $(GO) test -run '^$$' -fuzz '^FuzzZstdDecompress$$' -fuzztime 15s -fuzzminimizetime 50x .

fuzz: fork
	cd $(FORK) && $(GO) test -run '^$$' -fuzz '^$(FUZZ)$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -timeout 0 .

test-functional: modfiles
	$(GOTESTSUM) --format testname -- -count=1 -race -modfile=build/fork.mod -tags 'saramazstd zstdpoison' ./functional
	$(GOTESTSUM) --format testname -- -count=1 ./functional

# Every supported release (upstream.pin) assembled into build/forks/<release>
# and tested there with go test -run 'Zstd|Config|Producer' . (a failed test
# is run once more); a table of the results. Upstream's whole suite and the
# functional tests run on the newest (test-fork, test-functional).
test-matrix:
	$(GO) run ./tools/assemble -matrix

# The upstream pull requests as a maintainer would take them: each applied
# with git am to its pristine base (upstream, or the pull request before it),
# then go build ./..., go vet . and the zstd, config and producer tests
# under -race -count=2 (tools/assemble -check); fails on a pull request over
# 599 lines, on API its step does not declare, and on measurements in
# tools/assemble/pr-results.json made on other trees. The identity is a test
# one: make pr takes yours.
test-pr:
	$(GO) run ./tools/assemble $(UPSTREAM_FLAG) -pr -check -fresh -description=false -pr-dir build/pr-check \
		-author 'sarama-zstd check <check@example.com>'

# The pool benchmarks (zstd_bench_test.go), compiled once and run in BENCHROUNDS
# rounds of every row (not -count, which runs one row's counts back to back):
# on a shared VM the machine's speed drifts over minutes, and rows compared
# within one round see the same drift, and each round starts the rows at
# the next one (-zstdbench.round). benchtable pairs the rows of each round
# for its ratios; benchstat gives the spread. BENCH narrows the rows, e.g.
# make bench BENCH='BenchmarkZstdPool/heap=app/size=2KiB'
bench: fork bench-decode
	mkdir -p $(BENCH_DIR)
	cd $(FORK) && $(GO) test -c -o ../bench/sarama.test .
	rm -f $(BENCH_DIR)/raw.txt
	cd $(FORK) && for round in $$(seq $(BENCHROUNDS)); do \
		echo "# round $$round of $(BENCHROUNDS)" >&2; \
		../bench/sarama.test -test.run '^$$' -test.bench '$(BENCH)' -test.benchtime $(BENCHTIME) \
			-test.count 1 -test.timeout 120m -zstdbench.round $$((round - 1)) | tee -a ../bench/raw.txt || exit 1; \
	done
	$(BENCHSTAT) -col /pool -row /heap,/size,/g $(BENCH_DIR)/raw.txt > $(BENCH_DIR)/benchstat.txt
	$(GO) run ./tools/benchtable $(BENCH_DIR)/raw.txt > $(BENCH_DIR)/table.md
	cat $(BENCH_DIR)/table.md

# The fork as a module in a module proxy directory (build/dist), under a
# module path and version of yours: v<upstream>-zstd.<n>, the upstream
# release being UPSTREAM (by default the newest supported); ALL=1 publishes
# the fork of every supported release as <release>-zstd.<REVISION>:
#   make dist MODULE=example.com/acme/sarama-zstd VERSION=v1.62.0-zstd.1
#   make dist MODULE=example.com/acme/sarama-zstd UPSTREAM=v1.60.0 VERSION=v1.60.0-zstd.1
#   make dist MODULE=example.com/acme/sarama-zstd ALL=1 REVISION=1
# The arguments are checked before anything is assembled. Prints the
# consumer's go get, replace line and environment; see docs/adopting.md.
# DISTFLAGS passes more flags (-out, -time, -allow-dirty, -overwrite).
DIST_ARGS = -module '$(MODULE)' $(UPSTREAM_FLAG) \
	$(if $(ALL),-all $(if $(REVISION),-revision '$(REVISION)'),-version '$(VERSION)')
dist:
	$(GO) run ./tools/dist $(DIST_ARGS) -check-args
	$(GO) run ./tools/assemble $(if $(ALL),-all,$(UPSTREAM_FLAG))
	$(GO) run ./tools/dist $(DIST_ARGS) $(DISTFLAGS)

# Moves the fork to a new upstream release (docs/assembly.md): adds it to
# upstream.pin with the hash the checksum database vouches for, moves the
# root module and the README to it (tools/upgrade), then assembles the fork
# and runs the tests that tell whether the overlay and the edits still hold,
# stopping at the first failure, which names the anchor or file that drifted.
upgrade:
	@test -n "$(UPSTREAM)" || { echo "usage: make upgrade UPSTREAM=vX.Y.Z" >&2; exit 2; }
	$(GO) run ./tools/upgrade -version '$(UPSTREAM)'
	$(MAKE) fork test-fork test-fork-race test-functional test-pr

# One decode of a valid 2, 16 or 64 MiB zstd frame into an empty buffer,
# the fork's decoder against upstream's (BenchmarkZstdDecodeLarge):
# build/bench/decode.txt, and B/op by benchstat (docs/decompression.md).
bench-decode: fork
	mkdir -p $(BENCH_DIR)
	cd $(FORK) && $(GO) test -run '^$$' -bench '^BenchmarkZstdDecodeLarge$$' -benchtime 4x -count $(BENCHROUNDS) . > ../bench/decode.txt
	$(BENCHSTAT) -col '/decoder@(upstream fork)' -row /size,/frame $(BENCH_DIR)/decode.txt

# The encoder options, upstream's against the fork's (speed, ratio, memory
# an encoder keeps), and what a rebuild costs: build/bench/encoder.txt.
bench-encoder: fork
	mkdir -p $(BENCH_DIR)
	cd $(FORK) && $(GO) test -run '^$$' -bench 'BenchmarkZstdEncoder(Options|Build)' -benchtime 1s -count 6 . > ../bench/encoder.txt
	$(BENCHSTAT) -filter '.name:/Options/' -col /options $(BENCH_DIR)/encoder.txt
	$(BENCHSTAT) -filter '.name:/Build/' -col /encoder $(BENCH_DIR)/encoder.txt

# The upstream pull requests under build/pr: a directory per pull request
# (its patch and PR.md), the stack's README.md with the sizes, DISCUSSION.md
# (the comment to post on IBM/sarama#2965 first), and the repository they
# come from. The texts quote tools/assemble/pr-results.json, kept in the
# repository: no measurement runs here. The commits are signed off by
# AUTHOR, or by git's configured user.name and user.email:
#   make pr AUTHOR="Your Name <you@example.com>"
pr: export PR_AUTHOR = $(or $(AUTHOR),$(PR_AUTHOR))
pr:
	$(GO) run ./tools/assemble $(UPSTREAM_FLAG) -pr

# Refreshes tools/assemble/pr-results.json: each pull request whose
# measurements are missing or of another tree (PRS=1-bound-encoders,... names
# others) measured against its own base inside the upstream tree: its
# benchmarks before and after in PRROUNDS alternating rounds through
# benchstat, and its tests under -race. A failed go test is run once more.
# Commit the file afterwards.
PRROUNDS ?= 6
pr-bench:
	$(GO) run ./tools/assemble $(UPSTREAM_FLAG) -pr -bench -bench-only '$(PRS)' -bench-rounds $(PRROUNDS) -pr-dir build/pr-bench/stack \
		-author 'pr-bench <pr-bench@localhost>' -benchstat '$(BENCHSTAT)'

# golangci-lint, at the version upstream's CI pins (GOLANGCI_LINT_VERSION in
# upstream's .github/workflows/ci.yml, read from the pinned release) and with
# upstream's configuration, on every pull request that make test-pr built
# (build/pr-check), with and without the functional build tag, as upstream's
# CI runs it.
pr-lint:
	test -d build/pr-check/sarama || $(MAKE) test-pr
	rm -rf build/pr-lint && git -C build/pr-check/sarama worktree prune
	version=$$(git -C build/pr-check/sarama show upstream:.github/workflows/ci.yml | sed -n 's/^ *GOLANGCI_LINT_VERSION: *//p'); \
	test -n "$$version" || { echo "no GOLANGCI_LINT_VERSION in upstream's ci.yml" >&2; exit 1; }; \
	lint="$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$$version"; \
	git -C build/pr-check/sarama worktree add -q --detach ../../pr-lint upstream && \
	cd build/pr-lint && for b in $$(git for-each-ref --format='%(refname:short)' 'refs/heads/pr/*'); do \
		git checkout -q --detach $$b && echo "== $$b: golangci-lint $$version" && GOWORK=off $$lint run && \
			GOWORK=off $$lint run --build-tags functional || exit 1; \
	done

# This repository's Go files; build/ holds upstream's, formatted as upstream
# formats them (v1.60.1 has one that gofmt would change).
GOFILES = $$(find . -name '*.go' -not -path './build/*' -not -path './.git/*')

# staticcheck takes no -modfile, so the files built only against the fork
# (tag saramazstd) are checked from build/lintmod: a module whose go.mod is
# build/fork.mod and whose packages are links to ours.
lint: modfiles
	test -z "$$(gofmt -l $(GOFILES))" || { gofmt -l $(GOFILES); exit 1; }
	$(GO) vet ./...
	$(GO) vet -modfile=build/fork.mod -tags saramazstd ./functional/... ./tools/loadgen/...
	$(GO) vet -tags distconsumer ./tools/dist
	$(STATICCHECK) ./...
	$(STATICCHECK) -tags distconsumer ./tools/dist
	cd $(FORK) && $(GO) vet . && $(STATICCHECK) . | { grep -E '^[^:]*(zstd|batch_decompression)[^:]*\.go:' || true; } | tee /dev/stderr | { ! read -r _; }
	rm -rf build/lintmod && mkdir -p build/lintmod/tools
	sed 's#=> ./build/sarama#=> $(CURDIR)/build/sarama#' build/fork.mod > build/lintmod/go.mod
	cp build/fork.sum build/lintmod/go.sum
	ln -s $(CURDIR)/functional build/lintmod/functional
	ln -s $(CURDIR)/tools/loadgen build/lintmod/tools/loadgen
	ln -s $(CURDIR)/tools/internal build/lintmod/tools/internal
	cd build/lintmod && $(STATICCHECK) -tags saramazstd ./functional/... ./tools/loadgen/...

clean:
	rm -rf build
