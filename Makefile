# The two commands a new user needs:
#   make run   - install what is missing, build, run the default scenario
#   make test  - install what is missing, build, run the whole test suite
MAKEFLAGS += --no-print-directory
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO ?= scenarios/consolidation.yaml

.PHONY: run test build deps configure clean bench

run: build
	@echo
	@./$(BUILD)/cli/vzlab run $(SCENARIO)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release --log-level=WARNING

deps:
	@bash scripts/install-deps.sh

bench: build
	bash bench/compare-simgrid.sh

clean:
	rm -rf $(BUILD)
