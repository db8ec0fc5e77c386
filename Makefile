# The README's two commands. Both set up what is missing, then build once into build/.
BUILD ?= build
JOBS  ?= $(shell nproc)
LESSON ?= scenarios/tcp-handshake.toml

.PHONY: all setup configure build run test bench fuzz format clean

all: build

setup:
	@scripts/setup.sh core ui interop
	@# npm ci again whenever the pinned lock file is newer than what was installed from it
	@[ tests/sio/oracle/node_modules/.package-lock.json -nt tests/sio/oracle/package-lock.json ] || npm ci --prefix tests/sio/oracle --no-audit --no-fund

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: setup $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@if [ -x $(BUILD)/ui/wirelab-studio ] && [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  $(BUILD)/ui/wirelab-studio $(LESSON); \
	else \
	  echo "wirelab: no desktop app or display here; playing the lesson in the terminal."; \
	  $(BUILD)/wirelab play $(LESSON); \
	fi

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench:
	@scripts/setup.sh core ui bench
	cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DWIRELAB_BUILD_BENCH=ON -DWIRELAB_BUILD_TESTS=OFF -DWIRELAB_BUILD_UI=ON
	cmake --build build-bench -j $(JOBS)
	@for b in build-bench/tests/bench/bench_* build-bench/ui/bench_ui; do echo "== $$b"; $$b --benchmark_repetitions=5 --benchmark_report_aggregates_only=true; done

fuzz:
	@scripts/setup.sh core fuzz
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWIRELAB_FUZZ=ON -DWIRELAB_BUILD_TESTS=OFF -DWIRELAB_BUILD_UI=OFF
	cmake --build build-fuzz -j $(JOBS)
	@# New inputs go to build-fuzz/corpus/NAME; the committed seeds are only read.
	@for f in build-fuzz/tests/fuzz/fuzz_*; do n=$$(basename $$f | sed s/fuzz_//); \
	  echo "== $$f"; mkdir -p build-fuzz/corpus/$$n; \
	  $$f -max_total_time=60 build-fuzz/corpus/$$n tests/fuzz/corpus/$$n || exit 1; done

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) build-bench build-fuzz
