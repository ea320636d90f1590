# Thin wrapper around CMake/CTest; the real build is CMakeLists.txt.
#
#   make lessons   install what is missing, build, run every lesson
#   make test      install what is missing, build, run the whole suite twice:
#                  once plain, once under ASan+UBSan; then once more built
#                  with gcc against hiredis 1.x (scripts/hiredis1.sh)
#   make build     configure and build only (build/)
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
# One compiler for every build tree: clang (libFuzzer and the sanitizers
# need it), so `make lessons` and `make test` can share build/.
COMPILER ?= clang
# -Werror in CI (CI=true) and for `make test`; off for a plain `make build`.
WERROR   ?= $(if $(CI),ON,OFF)

.PHONY: all deps build lessons test test-plain test-asan test-hiredis1 clean

all: build

deps:
ifeq ($(DEPS),1)
	@sh scripts/deps.sh all
endif

build: deps
	cmake -S . -B $(BUILD) -DMOCKREDIS_WERROR=$(WERROR) -DCMAKE_C_COMPILER=$(COMPILER) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

lessons: build
	@sh lessons/run-all.sh $(BUILD)

test: WERROR = ON
test: deps
	$(MAKE) --no-print-directory test-plain test-asan test-hiredis1 DEPS=0 WERROR=$(WERROR)

test-plain:
	cmake -S . -B $(BUILD) -DMOCKREDIS_WERROR=$(WERROR) -DMOCKREDIS_FUZZ=ON -DCMAKE_C_COMPILER=$(COMPILER) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan:
	cmake -S . -B $(ASAN) -DMOCKREDIS_WERROR=$(WERROR) -DMOCKREDIS_SANITIZE=ON -DCMAKE_C_COMPILER=$(COMPILER) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(ASAN) -j $(JOBS)
	ctest --test-dir $(ASAN) --output-on-failure -j $(JOBS) -LE 'fuzz|slow'

# Debian 12 has hiredis 0.14; this builds and tests against Debian's next
# release's hiredis 1.x, unpacked in $(HIREDIS1) (nothing is installed).
# It builds with gcc, so that every warning of the second compiler is an
# error too (the other trees use clang).
test-hiredis1:
	COMPILER=gcc JOBS=$(JOBS) sh scripts/hiredis1.sh $(HIREDIS1)

clean:
	rm -rf $(BUILD) $(ASAN) $(HIREDIS1)
