# kapi: build, run, test, bench.
#   make            build/kapi-apiserver, build/kapi-reconcile, build/kapictl
#   make run        the whole stack in the foreground on https://127.0.0.1:$(KAPI_PORT)
#   make test       unit + end-to-end tests; ends with "N passed, N failed"
#   make bench      benchmarks (not part of make test)
#   make sanitize   the same programs built with ASan + UBSan into build-san/
CC      ?= cc
BUILD   ?= build
CFLAGS  ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Ifcgi -pthread
LDLIBS  += -lfcgi -lsqlite3 -lcjson -lyaml -lssl -lcrypto -pthread

KAPI_PORT      ?= 6443
KAPI_STATE     ?= var
KAPI_RECONCILE ?= 1
export KAPI_PORT KAPI_STATE KAPI_RECONCILE

LIB_SRCS  := $(sort $(shell find fcgi -name '*.c' -not -path 'fcgi/cmd/*'))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
PROGRAMS  := $(BUILD)/kapi-apiserver $(BUILD)/kapi-reconcile $(BUILD)/kapictl
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
DEPS_STAMP := $(BUILD)/.deps-installed

.PHONY: all deps run test unit e2e bench sanitize reconcile clean
all: $(DEPS_STAMP) $(PROGRAMS)

# Installs what the machine lacks (Debian packages) once per build tree.
$(DEPS_STAMP): scripts/install-deps
	@mkdir -p $(BUILD)
	scripts/install-deps
	@touch $@
deps: $(DEPS_STAMP)

$(BUILD)/obj/%.o: %.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# store_schema.c embeds sql/schema.sql (.incbin): rebuild it when the schema changes.
$(BUILD)/obj/fcgi/store/store_schema.o: sql/schema.sql

$(BUILD)/libkapi.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/kapi-apiserver: $(BUILD)/obj/fcgi/cmd/kapi-apiserver.o $(BUILD)/libkapi.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/kapi-reconcile: $(BUILD)/obj/fcgi/cmd/kapi-reconcile.o $(BUILD)/libkapi.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/kapictl: $(BUILD)/obj/fcgi/cmd/kapictl.o $(BUILD)/libkapi.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libkapi.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libkapi.a $(LDLIBS) -lcmocka

run: all
	scripts/kapi-run

reconcile: all
	$(BUILD)/kapi-reconcile --state $(KAPI_STATE) --once

unit: all $(UNIT_BINS)
	tests/run --unit-only

e2e: all
	tests/run --e2e-only

test: all $(UNIT_BINS)
	tests/run

bench: all
	bench/run

sanitize:
	$(MAKE) BUILD=build-san CC=gcc CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" all $(patsubst $(BUILD)/%,build-san/%,$(UNIT_BINS))

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
