#!/usr/bin/env python3
"""Near-duplicate baseline for scripts/bench: MinHash LSH over word 5-gram shingles.

Usage: minhash_bench.py {datasketch|rensa} DIR
Reads every .txt file under DIR, builds a 128-permutation MinHash of its word 5-grams, indexes
all of them in an LSH with threshold 0.5, queries each, and prints one line:
  <library> files=<n> candidate_pairs=<n> seconds=<wall time inside Python>
"""
import os
import re
import sys
import time

WORD = re.compile(r"\w+")


def shingles(text):
    w = WORD.findall(text.lower())
    return [" ".join(w[i:i + 5]) for i in range(len(w) - 4)] or [" ".join(w)]


def files(root):
    for d, _, names in os.walk(root):
        for n in sorted(names):
            if n.endswith(".txt"):
                yield os.path.join(d, n)


def main():
    lib, root = sys.argv[1], sys.argv[2]
    start = time.time()
    paths = list(files(root))
    pairs = 0
    if lib == "datasketch":
        from datasketch import MinHash, MinHashLSH
        lsh = MinHashLSH(threshold=0.5, num_perm=128)
        sketches = []
        for i, p in enumerate(paths):
            m = MinHash(num_perm=128)
            with open(p, encoding="utf-8", errors="replace") as f:
                for s in shingles(f.read()):
                    m.update(s.encode("utf-8"))
            lsh.insert(i, m)
            sketches.append(m)
        for i, m in enumerate(sketches):
            pairs += sum(1 for j in lsh.query(m) if j > i)
    elif lib == "rensa":
        from rensa import RMinHash, RMinHashLSH
        lsh = RMinHashLSH(threshold=0.5, num_perm=128, num_bands=16)
        sketches = []
        for i, p in enumerate(paths):
            m = RMinHash(num_perm=128, seed=42)
            with open(p, encoding="utf-8", errors="replace") as f:
                m.update(shingles(f.read()))
            lsh.insert(i, m)
            sketches.append(m)
        for i, m in enumerate(sketches):
            pairs += sum(1 for j in lsh.query(m) if j > i)
    else:
        sys.exit(f"unknown library {lib}")
    print(f"{lib} files={len(paths)} candidate_pairs={pairs} seconds={time.time() - start:.1f}")


if __name__ == "__main__":
    main()
