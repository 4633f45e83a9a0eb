# Shortcuts for the repository's routine jobs; each target is one command
# you can also run by hand (see docs/README.md, "Developing").
FUZZTIME ?= 60s

.PHONY: test ci fuzz bench docs snapshot

test: ## unit, golden, bad-input, fuzz-seed and end-to-end tests
	go test ./...

ci: ## what CI runs: vet, gofmt, go test -race
	.ci/run

fuzz: ## every fuzz target for FUZZTIME each
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

bench: ## Go benchmarks (the load and durability scripts are under bench/)
	go test -run '^$$' -bench . -benchtime 2s ./...

docs: ## regenerate docs/cli and docs/man from the code
	go generate ./...

snapshot: ## local release build into dist/ (needs goreleaser)
	goreleaser check
	goreleaser release --snapshot --clean
