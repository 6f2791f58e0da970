#!/usr/bin/env bash
# Runs driver-bench natively and through cuvm (a running cuvm-host at
# $CUVM_HOST, the guest library in $CUVM_LIB) in one run and prints each
# measurement side by side with the ratio cuvm / native (for bandwidths,
# native / cuvm: above 1 means cuvm is slower either way).
set -eu
bench=$1
native=$("$bench")
cuvm=$(LD_LIBRARY_PATH="$CUVM_LIB" "$bench")
printf '%-32s %14s %14s %8s\n' measurement native cuvm slowdown
paste <(echo "$native") <(echo "$cuvm") | while read -r name nv unit _ cv _; do
    awk -v n="$name" -v a="$nv" -v b="$cv" -v u="$unit" 'BEGIN {
        r = (u == "GB/s") ? a / b : b / a;
        printf "%-32s %10.3f %-4s %10.3f %-4s %7.1fx\n", n, a, u, b, u, r }'
done
