# SPDX-License-Identifier: MIT
# The README's commands: `make` (library and programs), `make run`, `make test`,
# `make deb`. Each installs what it needs (scripts/install-deps.sh profiles)
# and builds with CMake.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
BUILD_DEB  ?= build-deb
FUZZ_SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 10
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps deps-build deps-run deps-check deps-deb deps-test build build-tests build-asan \
	build-fuzz fuzz test-fuzz test test-plain test-asan test-valgrind check run deb bench interop \
	clean

# Quiet: no "Entering/Leaving directory" lines from the makes CMake runs.
MAKEFLAGS += --no-print-directory
CONFIGURE = cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo --log-level=WARNING \
	$(CMAKE_ARGS) >/dev/null

all: build

# What each command needs, and no more (scripts/install-deps.sh profiles).
deps deps-test:
	@bash scripts/install-deps.sh test
deps-build:
	@bash scripts/install-deps.sh build
deps-run:
	@bash scripts/install-deps.sh run
deps-check:
	@bash scripts/install-deps.sh check
deps-deb:
	@bash scripts/install-deps.sh deb

# `make`: the libraries and the programs (the `ntlm_dist` target).
build: deps-build
	@$(CONFIGURE)
	@cmake --build $(BUILD) -j $(JOBS) --target ntlm_dist

# Everything ctest runs: the above plus the tests, fuzz replays and benches.
build-tests: deps-test
	@$(CONFIGURE)
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps-test
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DNTLM_SANITIZE=ON $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD_ASAN) -j $(JOBS)

# Source checks: format, layering, banned functions, exported symbols.
check: deps-check build
	bash scripts/check-format.sh
	bash scripts/check-layers.sh
	bash scripts/check-src.sh
	bash scripts/check-exports.sh $(BUILD)/libntlmssp.so $(BUILD)/libntlmssp.a

test-plain: build-tests
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(BUILD_ASAN) --output-on-failure -j $(JOBS)

# The vector tests (and the unit tests, which are cheap) under valgrind.
test-valgrind: build-tests
	bash scripts/valgrind-tests.sh $(BUILD)

# The libFuzzer targets (clang; docs/security.md): `make fuzz` runs each for
# FUZZ_SECONDS, `make test` for FUZZ_TEST_SECONDS; a crash fails the run.
build-fuzz: deps-test
	CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNTLM_FUZZ=ON \
	  $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzz_all

fuzz: build-fuzz
	bash scripts/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

test-fuzz: build-fuzz
	bash scripts/fuzz.sh $(BUILD_FUZZ) $(FUZZ_TEST_SECONDS)

test: check test-plain test-asan test-valgrind test-fuzz
	@echo "make test: all suites passed"

run: deps-run build
	bash scripts/run.sh $(BUILD)

# Interop with independent NTLM peers (docs/interop.md, which it rewrites); the
# same script runs under ctest (label interop) in `make test`.
interop: build-tests
	/usr/bin/python3 tests/interop/run.py --ntlm $(BUILD)/ntlm \
	  --gss-driver $(BUILD)/gss_driver --doc docs/interop.md

# ntlmssp vs gss-ntlmssp vs the nettle limit (BENCH_REPS, BENCH_MS), then load on
# `ntlm httpd` (BENCH_CONNECTIONS, BENCH_REQUESTS); docs/performance.md.
bench: build-tests
	bash bench/run.sh $(BUILD)

# Debian packages in $(BUILD_DEB) (docs/packaging.md).
deb: deps-deb
	@bash scripts/deb.sh $(BUILD_DEB)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_DEB)
