# SPDX-License-Identifier: MIT
# The README's two commands: `make test` and `make run`. Both install what
# they need (scripts/install-deps.sh) and build with CMake.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 10
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps build build-asan build-fuzz fuzz test-fuzz test test-plain test-asan test-valgrind check run bench interop clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DNTLM_SANITIZE=ON $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD_ASAN) -j $(JOBS)

# Source checks: format, layering, banned functions, exported symbols.
check: build
	bash scripts/check-format.sh
	bash scripts/check-layers.sh
	bash scripts/check-src.sh
	bash scripts/check-exports.sh $(BUILD)/libntlmssp.so $(BUILD)/libntlmssp.a

test-plain: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(BUILD_ASAN) --output-on-failure -j $(JOBS)

# The vector tests (and the unit tests, which are cheap) under valgrind.
test-valgrind: build
	bash scripts/valgrind-tests.sh $(BUILD)

# The libFuzzer targets (clang; docs/security.md): `make fuzz` runs each for
# FUZZ_SECONDS, `make test` for FUZZ_TEST_SECONDS; a crash fails the run.
build-fuzz: deps
	CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNTLM_FUZZ=ON \
	  $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzz_all

fuzz: build-fuzz
	bash scripts/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

test-fuzz: build-fuzz
	bash scripts/fuzz.sh $(BUILD_FUZZ) $(FUZZ_TEST_SECONDS)

test: check test-plain test-asan test-valgrind test-fuzz
	@echo "make test: all suites passed"

run: build
	bash scripts/run.sh $(BUILD)

# Interop with independent NTLM peers (docs/interop.md, which it rewrites); the
# same script runs under ctest (label interop) in `make test`.
interop: build
	/usr/bin/python3 tests/interop/run.py --ntlm $(BUILD)/ntlm \
	  --gss-driver $(BUILD)/gss_driver --doc docs/interop.md

# ntlmssp vs gss-ntlmssp vs the nettle limit (BENCH_REPS, BENCH_MS), then load on
# `ntlm httpd` (BENCH_CONNECTIONS, BENCH_REQUESTS); docs/performance.md.
bench: build
	bash bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
