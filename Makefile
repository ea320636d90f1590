# Thin wrapper around the CMake presets (CMakePresets.json); the real build
# is CMakeLists.txt.
#
#   make lessons   install what building needs, build, run every lesson
#   make test      install what building and testing need, then run the
#                  whole suite three times: plain (with the fuzzers and
#                  valgrind), under ASan+UBSan, and built with gcc against
#                  hiredis 1.x (scripts/hiredis1.sh)
#   make build     install what building needs, configure and build (build/)
#   make package   build, then a Debian package (CPack) in $(BUILD)/package/
#   make clean     remove the build trees
#
# Package installation is done by scripts/deps.sh (apt-get as root; else it
# prints the exact command). Set DEPS=0 to skip it.

BUILD    ?= build
ASAN     ?= build-asan
HIREDIS1 ?= build-hiredis1
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
DEPS     ?= 1
CMAKE_FLAGS ?=
# One compiler for build/ and build-asan/: clang (libFuzzer and the
# sanitizers need it), so `make lessons` and `make test` can share build/.
COMPILER ?= clang
# -Werror in CI (CI=true) and for `make test`; off for a plain `make build`.
WERROR   ?= $(if $(CI),ON,OFF)
# What every configure step adds to its preset.
CONFIGURE = -DMOCKREDIS_WERROR=$(WERROR) -DCMAKE_C_COMPILER=$(COMPILER) $(CMAKE_FLAGS)
# $(call configure,ARGS): cmake ARGS, its output shown only when it fails.
configure = @echo "cmake $(1)"; out=$$(cmake $(1) 2>&1) || { st=$$?; printf '%s\n' "$$out" >&2; exit $$st; }

.PHONY: all deps-build deps-all build lessons test test-plain test-asan test-hiredis1 clean

all: build

deps-build:
ifeq ($(DEPS),1)
	@sh scripts/deps.sh build
endif

deps-all:
ifeq ($(DEPS),1)
	@sh scripts/deps.sh all
endif

# The plain preset's tree without the fuzzers (they need clang's fuzzer
# runtime, a test package); `make test` turns them on in the same tree.
build: deps-build
	$(call configure,--preset plain -B $(BUILD) -DMOCKREDIS_FUZZ=OFF $(CONFIGURE))
	cmake --build $(BUILD) -j $(JOBS)

package: build
	cmake --build $(BUILD) --target package

lessons: build
	@sh lessons/run-all.sh $(BUILD)

test: WERROR = ON
test: deps-all
	$(MAKE) --no-print-directory test-plain test-asan test-hiredis1 DEPS=0 WERROR=$(WERROR)

test-plain:
	$(call configure,--preset plain -B $(BUILD) -DMOCKREDIS_FUZZ=ON $(CONFIGURE))
	cmake --build $(BUILD) -j $(JOBS)
	ctest --preset plain --test-dir $(BUILD) -j $(JOBS)

test-asan:
	$(call configure,--preset asan -B $(ASAN) $(CONFIGURE))
	cmake --build $(ASAN) -j $(JOBS)
	ctest --preset asan --test-dir $(ASAN) -j $(JOBS)

# Debian 12 has hiredis 0.14; this builds and tests against Debian's next
# release's hiredis 1.x, unpacked in $(HIREDIS1) (nothing is installed).
# It builds with gcc, so that every warning of the second compiler is an
# error too (the other trees use clang).
test-hiredis1:
	COMPILER=gcc JOBS=$(JOBS) sh scripts/hiredis1.sh $(HIREDIS1)

clean:
	rm -rf $(BUILD) $(ASAN) $(HIREDIS1)
