#!/usr/bin/env bash
# A small run of the load program (bench/run.sh, `make bench`): 8 connections
# x 20 requests; fails if a request is lost or an audit event is missing.
set -u
NTLM=${1:?usage: bash $0 /path/to/ntlm}
build=$(dirname "$NTLM")
[ -x "$build/bench_httpd" ] || { echo "no $build/bench_httpd"; exit 1; }
BENCH_CONNECTIONS=8 BENCH_REQUESTS=20 bash "$(dirname "$0")/../../bench/run.sh" "$build"
