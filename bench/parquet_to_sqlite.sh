#!/usr/bin/env bash
# Parquet -> SQLite benchmark alone: `hygge go` loading the benchmark
# parquet file into a SQLite table next to the sqlite3 shell's `.import` of
# the same data as CSV. It is the p2s case of bench/flows.sh (shared cached
# data, checks and report), run by `make bench` as part of that script.
#
#   bench/parquet_to_sqlite.sh [BUILD_DIR]      ROWS=10000000 RUNS=3
CASES=p2s exec "$(dirname "$0")/flows.sh" "$@"
