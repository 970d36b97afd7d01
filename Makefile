# A thin front for CMake. `make` builds the release binary into build/;
# `make test` is what CI runs (.ci/run). See README.md.
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
CTEST = ctest --output-on-failure --no-tests=error -j$(JOBS)

.PHONY: all release test test-release test-asan test-tsan demo bench fuzz format lint clean bootstrap

all: release

bootstrap:
	@scripts/bootstrap

release:
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHYGGE_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j$(JOBS)

# Everything CI checks: install what is missing, build with -Werror, run every
# test, then again under ASan+UBSan, then the concurrency tests under TSan.
test: bootstrap
	@$(MAKE) --no-print-directory test-release test-asan test-tsan
	@echo "make test: all passed (release, ASan+UBSan, TSan)"

test-release: release
	@echo "== tests (release build)"
	@$(CTEST) --test-dir build

test-asan:
	@echo "== tests (ASan+UBSan build)"
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DHYGGE_WERROR=ON \
		-DHYGGE_SANITIZE=address $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j$(JOBS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(CTEST) --test-dir build-asan

test-tsan:
	@echo "== concurrency tests (TSan build)"
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DHYGGE_WERROR=ON \
		-DHYGGE_SANITIZE=thread $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-tsan -j$(JOBS)
	@TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		scripts/no-aslr $(CTEST) --test-dir build-tsan -L concurrency

demo: bootstrap release
	@scripts/demo

bench: bootstrap release
	@scripts/bench

fuzz: bootstrap
	@scripts/fuzz

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

lint: release
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror
	@git ls-files 'src/*.c' | xargs clang-tidy --quiet -p build
	@echo "make lint: clean"

clean:
	rm -rf build build-asan build-tsan build-fuzz
