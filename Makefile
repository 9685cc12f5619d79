# SPDX-License-Identifier: AGPL-3.0-or-later
# The two commands of the quick start, and the benchmarks. CMake does the building.
#   make demo    install what is missing, build, load the sample surveys, show the ranking,
#                then serve the HTTP API in the foreground (LISTEN=ADDR:PORT, Ctrl-C stops it)
#   make check   install what is missing, build with ASan+UBSan, run every test
#   make bench   build optimised, run the benchmarks beside their baselines

BUILD   ?= build
CHECK   ?= build-check
DB      ?= defis.db
LISTEN  ?= 127.0.0.1:8080
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
DEFIS    = $(BUILD)/defis --db $(DB)
EXAMPLES = surveys/examples

.PHONY: all deps build demo check bench clean

all: build

deps:
	@scripts/install-deps.sh build

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDEFIS_WERROR=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@$(DEFIS) network list --format json | grep -q '"Occitanie"' || \
	  $(DEFIS) network add Occitanie --region Occitanie
	@$(DEFIS) network list --format json | grep -q '"Bretagne"' || \
	  $(DEFIS) network add Bretagne --region Bretagne
	@$(DEFIS) network list --format json | grep -q '"Grand Est"' || \
	  $(DEFIS) network add "Grand Est" --region "Grand Est"
	@$(DEFIS) import --network Occitanie $(EXAMPLES)/occitanie-2025.csv
	@$(DEFIS) import --network Bretagne $(EXAMPLES)/bretagne-2025.csv
	@$(DEFIS) import --network "Grand Est" $(EXAMPLES)/grand-est-2025.json
	@echo
	@$(DEFIS) challenges
	@echo
	@echo "Nearly alike, for a lead to merge (\`defis merge A B\`) or dismiss:"
	@$(DEFIS) review
	@echo
	@token=$$($(DEFIS) token create --role lead --label demo 2>/dev/null) && \
	  echo "A lead token for the service (shown once; \`defis token list\` lists them):" && \
	  echo "  $$token" && echo && \
	  echo "Try, once it listens:" && \
	  echo "  curl -H 'Authorization: Bearer $$token' 'http://$(LISTEN)/v1/challenges?limit=5'" && \
	  echo "  curl http://$(LISTEN)/openapi.json" && \
	  echo "Stop it with Ctrl-C." && echo
	@exec $(DEFIS) serve --listen $(LISTEN)

check: deps
	@cmake -S . -B $(CHECK) -DCMAKE_BUILD_TYPE=Debug -DDEFIS_SANITIZE=ON -DDEFIS_WERROR=ON >/dev/null
	@cmake --build $(CHECK) -j $(JOBS)
	@cd $(CHECK) && ctest --output-on-failure -j $(JOBS)

bench:
	@scripts/install-deps.sh bench
	@cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DDEFIS_TESTS=OFF >/dev/null
	@tests/bench/run.sh build-bench

clean:
	rm -rf $(BUILD) $(CHECK) build-bench
