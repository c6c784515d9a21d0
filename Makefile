# The two commands a new user needs:
#   make run   - install what is missing, build, run the default scenario
#   make test  - install what is missing, build, run the whole test suite
MAKEFLAGS += --no-print-directory
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO ?= scenarios/consolidation.yaml

.PHONY: run test test-asan build deps configure clean bench

run: build
	@echo
	@./$(BUILD)/cli/vzlab run $(SCENARIO)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release --log-level=WARNING

# The unit tests again, built with AddressSanitizer and UndefinedBehaviorSanitizer
# (CMake preset "asan"); any memory error or undefined behaviour fails them.
ASAN_BUILD ?= build-asan
ASAN_TESTS := engine_tests hv_tests scenario_tests viz_core_tests
test-asan: deps
	@test -f $(ASAN_BUILD)/CMakeCache.txt || cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DVZLAB_SANITIZE=ON -DVZLAB_BUILD_BENCH=OFF --log-level=WARNING
	@cmake --build $(ASAN_BUILD) -j $(JOBS) --target $(ASAN_TESTS)
	@set -e; for t in $(ASAN_TESTS); do echo "asan: $$t"; ./$(ASAN_BUILD)/tests/$$t --gtest_brief=1; done

deps:
	@bash scripts/install-deps.sh

bench: build
	bash bench/compare-simgrid.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
