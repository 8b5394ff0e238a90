# kapi: build, run, test, bench.
#   make            build/kapi-apiserver, build/kapi-reconcile, build/kapictl
#   make run        the whole stack in the foreground on https://127.0.0.1:$(KAPI_PORT)
#   make test       unit + end-to-end tests; ends with "N passed, N failed"
#   make bench      benchmarks (not part of make test)
#   make churn      the churn test at full size (50,000 updates; make test runs 5,000)
#   make sanitize   the same programs built with ASan + UBSan into build-san/,
#                   then the unit tests and the core e2e suites run with them
#   make valgrind   one e2e pass with kapi-apiserver under valgrind
#   make fuzz       libFuzzer harnesses (fuzz/), FUZZ_SECONDS each (180);
#                   make fuzz-ci runs each 30 s (CI)
#   make install    programs, nginx/systemd/cron files, schema, web view, man pages
#                   under $(PREFIX) (/usr/local), staged in $(DESTDIR) if set
#   make image-test builds docker/Dockerfile with buildah, runs it with podman
CC      ?= cc
BUILD   ?= build
CFLAGS  ?= -O2 -g
# -Wno-missing-field-initializers: a struct's trailing members may be left
# out of a positional initializer and are zero (a Table column written
# {"Name", "string", "name", doc, 0} has no cell spec: its row function
# writes the cell).
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Ifcgi -pthread
# Warning switches that must come after -Wall (they turn off what it turns
# on): the sanitizer and fuzzing builds set it, see below.
LATE_WARNINGS ?=
override CFLAGS += $(LATE_WARNINGS)
LDLIBS  += -lfcgi -lsqlite3 -lcjson -lyaml -lssl -lcrypto -lcurl -pthread

KAPI_PORT      ?= 6443
KAPI_STATE     ?= var
KAPI_RECONCILE ?= 1
export KAPI_PORT KAPI_STATE KAPI_RECONCILE

PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/kapi
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system

LIB_SRCS  := $(sort $(shell find fcgi -name '*.c' -not -path 'fcgi/cmd/*'))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
PROGRAMS  := $(BUILD)/kapi-apiserver $(BUILD)/kapi-reconcile $(BUILD)/kapictl
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
DEPS_STAMP := $(BUILD)/.deps-installed

.PHONY: all deps run test unit e2e bench churn sanitize sanitize-build valgrind fuzz fuzz-build fuzz-ci \
	reconcile clean install uninstall image-test
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
# schema_embed.c embeds every schema/*.schema (.incbin) the same way, from a
# generated list (meta.schema first, then by name), rewritten only when the
# set of files changes: a new schema file needs no edit anywhere else.
SCHEMA_FILES := schema/meta.schema $(filter-out schema/meta.schema,$(sort $(wildcard schema/*.schema)))
SCHEMA_LIST  := $(BUILD)/gen/schema_files.inc
$(SCHEMA_LIST): FORCE
	@mkdir -p $(dir $@)
	@n=0; for f in $(SCHEMA_FILES); do echo "SCHEMA_FILE($$n, \"$$f\")"; n=$$((n + 1)); done > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/obj/fcgi/schema/schema_embed.o: $(SCHEMA_FILES) $(SCHEMA_LIST)
$(BUILD)/obj/fcgi/schema/schema_embed.o: override CFLAGS += -I$(BUILD)/gen
.PHONY: FORCE
FORCE:

$(BUILD)/libkapi.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/kapi-apiserver: $(BUILD)/obj/fcgi/cmd/kapi-apiserver.o $(BUILD)/libkapi.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/kapi-reconcile: $(BUILD)/obj/fcgi/cmd/kapi-reconcile.o $(BUILD)/libkapi.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/kapictl: $(BUILD)/obj/fcgi/cmd/kapictl.o $(BUILD)/libkapi.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/kapi_test.h $(BUILD)/libkapi.a
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

# The churn test at full size: 50,000 updates (make test runs 5,000).
churn: all
	CHURN_UPDATES=50000 BUILD=$(BUILD) bash tests/e2e/test_churn.sh

# The programs and unit tests built with ASan + UBSan into build-san/, then
# the unit tests and the core end-to-end suites (SANITIZE_SUITES) run with
# them; any sanitizer report fails it (fuzz/sanitize-run). gcc's
# -Wformat-truncation guesses wrong once inlining at -O1 shows it more.
SANITIZE_SUITES ?= test_rest test_list test_watch test_apply test_field_validation test_protobuf test_rbac test_seed_pods
SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
sanitize-build:
	$(MAKE) BUILD=build-san CC=gcc CFLAGS="$(SAN_CFLAGS)" LATE_WARNINGS=-Wno-format-truncation \
		all $(patsubst $(BUILD)/%,build-san/%,$(UNIT_BINS))
sanitize: sanitize-build
	fuzz/sanitize-run $(SANITIZE_SUITES)

# One short end-to-end pass (VALGRIND_SUITES) with kapi-apiserver's master
# and workers under valgrind's memcheck; any error it reports fails it.
VALGRIND_SUITES ?= test_rest test_seed_pods
valgrind: all
	fuzz/valgrind-run $(VALGRIND_SUITES)

# libFuzzer harnesses (fuzz/*.c) built with clang against the library built
# with -fsanitize=fuzzer-no-link,address,undefined into build-fuzz/; each
# runs FUZZ_SECONDS from its seed corpus fuzz/corpus/NAME (fuzz/run). Not
# part of make test; CI runs make fuzz-ci (30 s each).
FUZZ_SECONDS ?= 180
FUZZ_CFLAGS  := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_NAMES   := $(sort $(patsubst fuzz/%.c,%,$(wildcard fuzz/*.c)))
fuzz-build:
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" LATE_WARNINGS=-Wno-string-concatenation \
		$(FUZZ_NAMES:%=build-fuzz/fuzz/%)
$(BUILD)/fuzz/%: fuzz/%.c fuzz/fuzz.h $(BUILD)/libkapi.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libkapi.a $(LDLIBS)
fuzz: fuzz-build
	fuzz/run $(FUZZ_SECONDS) $(FUZZ_NAMES)
fuzz-ci: fuzz-build
	fuzz/run 30 $(FUZZ_NAMES)

# What a Debian user expects under PREFIX: the programs in bin/, kapi's data
# in share/kapi/ (the nginx drop-in and params, the nginx template and the
# scripts that render it, the systemd unit and the cron entry, the schema,
# the web view's files in ui/),
# man pages, and the unit where systemd looks for it. The unit and the cron
# entry name $(BINDIR) for the programs.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/conf $(DESTDIR)$(DATADIR)/scripts \
		$(DESTDIR)$(DATADIR)/sql $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR)
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -m 0644 conf/nginx.conf.in conf/kapi-fastcgi-params conf/audit-policy.yaml $(DESTDIR)$(DATADIR)/conf/
	sed 's|/usr/local/share/kapi/|$(DATADIR)/|g' conf/kapi-server.conf \
		>$(DESTDIR)$(DATADIR)/conf/kapi-server.conf && chmod 0644 $(DESTDIR)$(DATADIR)/conf/kapi-server.conf
	install -d $(DESTDIR)$(DATADIR)/ui/js
	install -m 0644 ui/*.html ui/*.css $(DESTDIR)$(DATADIR)/ui/
	install -m 0644 ui/js/*.js $(DESTDIR)$(DATADIR)/ui/js/
	for f in kapi-apiserver.service kapi-reconcile.cron; do \
		sed 's|/usr/local/bin/|$(BINDIR)/|g' conf/$$f >$(DESTDIR)$(DATADIR)/conf/$$f && \
		chmod 0644 $(DESTDIR)$(DATADIR)/conf/$$f || exit 1; \
	done
	install -m 0644 $(DESTDIR)$(DATADIR)/conf/kapi-apiserver.service $(DESTDIR)$(UNITDIR)/
	install -m 0755 scripts/kapi-stack scripts/kapi-run $(DESTDIR)$(DATADIR)/scripts/
	install -m 0644 sql/*.sql $(DESTDIR)$(DATADIR)/sql/
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,kapi-apiserver kapi-reconcile kapictl) \
		$(addprefix $(DESTDIR)$(MANDIR)/man1/,kapi-apiserver.1 kapi-reconcile.1 kapictl.1) \
		$(DESTDIR)$(UNITDIR)/kapi-apiserver.service
	rm -rf $(DESTDIR)$(DATADIR)

# Builds docker/Dockerfile with buildah and runs the image with podman
# (installs them first); not part of `make test`. See tests/image/run.
image-test:
	scripts/install-image-deps
	tests/image/run

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
