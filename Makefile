# Tanba — two commands on a fresh Debian 12 machine:  make demo   and   make test
# (run as root or with sudo available: missing apt packages are installed on first use).

SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libxml2-dev libxmlsec1-dev libssl-dev libsqlite3-dev pkg-config xmlsec1 libxml2-utils libengine-gost-openssl sqlite3 python3 python3-venv curl postgresql-15 chromium chromium-driver fonts-dejavu-core \
  libdmtx-dev libpng-dev libjpeg-dev
BENCH_PACKAGES := wrk curl dmtx-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR := var/demo
DEMO_PORT ?= 8080
PREFIX ?= /usr/local
# SwiftPM refuses the -D flags in Debian's xmlsec1-openssl.pc and warns about them on every build; this trimmed copy
# (include path and libraries only; Sources/CXMLSec/shim.h defines the ABI macros) comes first.
export PKG_CONFIG_PATH := $(CURDIR)/Sources/CXMLSec/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))

.PHONY: all deps bench-deps apt-install build release install test fuzz demo bench samples errors-doc format lint clean

all: build

## deps: install the Debian packages Tanba builds, tests and benchmarks with (only the missing ones).
deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

## bench-deps: the benchmark's peer tools beyond the test suite's (wrk drives the HTTP measure; dmtxread is the
## peer of the labels part).
bench-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES) $(BENCH_PACKAGES)"

apt-install:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product tanba

## install: the release binary into $(PREFIX)/bin, xsd/ and reference/ into $(PREFIX)/share/tanba/ (where tanba
## finds them from anywhere). PREFIX defaults to /usr/local; e.g. make install PREFIX=$$HOME/.local
install: release
	@bash scripts/install.sh .build/release/tanba "$(PREFIX)"

## test: every test (unit, CLI end to end, xmlsec1 interop; Swift Testing runs them in parallel), then the API
## fuzzer against the running hub (scripts/schemathesis.sh: schemathesis from PyPI, pinned, in .build/).
## A private PostgreSQL server (scripts/postgres.sh) runs for the whole suite: the store tests run on SQLite and
## on PostgreSQL (TANBA_TEST_POSTGRES), and the API fuzzer runs once on each; the server is stopped on every exit
## path.
test: deps lint
	$(SWIFT) build --build-tests
	@exports=$$(bash scripts/postgres.sh start) && eval "$$exports" && trap 'bash scripts/postgres.sh stop' EXIT && \
	  echo "PostgreSQL for the tests: $$TANBA_TEST_POSTGRES" && \
	  $(SWIFT) test && bash scripts/schemathesis.sh .build/debug/tanba && \
	  psql -q "$$TANBA_TEST_POSTGRES" -c "CREATE DATABASE tanba_schemathesis" && \
	  SCHEMATHESIS_STORE="$${TANBA_TEST_POSTGRES%/*}/tanba_schemathesis" bash scripts/schemathesis.sh .build/debug/tanba

## fuzz: the API fuzzer alone (the hub built already).
fuzz:
	bash scripts/schemathesis.sh .build/debug/tanba

## demo: a fresh test PKI, the sample shipment signed (standard and NCALayer shape), verified, the invalid
## samples rejected with their error codes, demo data through the pipeline on the embedded store (shipment,
## repeat, cancellation); then the hub serves that store on 127.0.0.1:$(DEMO_PORT) until Ctrl-C.
demo: build
	@DEMO_PORT=$(DEMO_PORT) bash scripts/demo.sh .build/debug/tanba $(DEMO_DIR)

## bench: release-build benchmarks beside xmllint, xmlsec1, sqlite3 and pgbench in the same run (see
## docs/PERFORMANCE.md); the pipeline's measures run on SQLite and on a private PostgreSQL server started here.
bench: bench-deps
	$(SWIFT) build -c release --product tanba-bench
	$(SWIFT) build -c release --product tanba-sim
	@eval "$$(bash scripts/postgres.sh start)" && trap 'bash scripts/postgres.sh stop' EXIT && \
	  TANBA_BENCH_POSTGRES="$$TANBA_TEST_POSTGRES" .build/release/tanba-bench $(PARTS)

## samples: re-sign samples/shipment/signed/ and every samples/<type>/signed/valid.xml with a new sample PKI
## (public parts kept in samples/pki/).
samples: build
	@bash scripts/make-samples.sh .build/debug/tanba

## errors-doc: regenerate docs/ERRORS.md from the error catalogue.
errors-doc: build
	.build/debug/tanba errors --markdown > docs/ERRORS.md

format:
	$(SWIFT) format -i -r Sources Tests Benchmarks Package.swift

lint:
	$(SWIFT) format lint --strict -r Sources Tests Benchmarks Package.swift

clean:
	rm -rf .build var
