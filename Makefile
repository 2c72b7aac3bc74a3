# ISSA: two commands on a fresh Debian 12 machine (as root):
#   make demo   install, build, start a demo node
#   make test   install, build, run every test (format check, tests, ASan+UBSan build + tests)
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
PORT       ?= 8080
CMAKE_FLAGS ?=

.PHONY: all deps build demo test test-only asan format format-check check-deps bench clean

all: build

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DISSA_WERROR=ON $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@echo "ISSA console: http://127.0.0.1:$(PORT)/ (sign in with a token printed below)"
	$(BUILD)/bin/issa demo --port $(PORT) --web-root web/dist --ais-replay data/demo/amsa-ais.nmea

format:
	scripts/format.sh

format-check: deps
	scripts/format.sh check

check-deps:
	scripts/check_deps.sh

test-only: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DISSA_SANITIZE=ON \
	  -DISSA_WERROR=ON -DISSA_BUILD_BENCHMARKS=OFF -DISSA_BUILD_WEB=OFF $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 900 -LE bench

test: format-check check-deps test-only asan

bench: deps
	cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DISSA_BUILD_WEB=OFF $(CMAKE_FLAGS)
	cmake --build build-release -j $(JOBS)
	bench/run_all.sh build-release

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-release
