#!/usr/bin/env bash
# Writes shell completion scripts for zegocb into completions/ (goreleaser
# runs this before building; the archives ship the directory).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf completions
mkdir -p completions
go build -o completions/.zegocb ./cmd/zegocb
trap 'rm -f completions/.zegocb' EXIT
completions/.zegocb completion bash > completions/zegocb.bash
completions/.zegocb completion zsh > completions/_zegocb
completions/.zegocb completion fish > completions/zegocb.fish
completions/.zegocb completion powershell > completions/zegocb.ps1
