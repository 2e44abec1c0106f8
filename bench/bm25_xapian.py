#!/usr/bin/python3
"""Xapian's BM25 on the chunks and queries bench/bm25_compare exported: an in-memory
database of the same terms (wdf = occurrences, document length = terms), the same 50
queries (OP_OR of the same terms), timed, and the top-10 overlap with longforge's
rankings. Prints one JSON line (medians over --repetitions).

Parameters match longforge's Bm25Index where Xapian allows: k1 = 1.5, b = 0.75, k2 = 0
(no extra length term), min_normlen = 0; k3 = 1e9 so a repeated query term counts about
once per occurrence as in Bm25Index. Xapian's idf differs for terms in more than half
of the chunks (it keeps them positive; Bm25Index floors them at 0.25 x mean idf).

usage: /usr/bin/python3 bench/bm25_xapian.py DIR [--repetitions N]
"""
import argparse
import json
import statistics
import time
from collections import Counter

import xapian


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.split() for line in f.read().split("\n")[:-1]]


def build(chunks):
    db = xapian.WritableDatabase("", xapian.DB_BACKEND_INMEMORY)
    for terms in chunks:
        doc = xapian.Document()
        for term, wdf in Counter(terms).items():
            doc.add_term(term, wdf)
        db.add_document(doc)
    return db


def search(db, queries, top_k):
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight(1.5, 0, 1e9, 0.75, 0))
    rankings = []
    for terms in queries:
        enquire.set_query(xapian.Query(xapian.Query.OP_OR, terms))
        # Xapian numbers documents from 1.
        rankings.append([m.docid - 1 for m in enquire.get_mset(0, top_k)])
    return rankings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    chunks = read_lines(f"{args.dir}/chunks.txt")
    queries = read_lines(f"{args.dir}/queries.txt")
    longforge_top = [[int(d) for d in line] for line in read_lines(f"{args.dir}/longforge_top.txt")]

    index_s, query_s = [], []
    for _ in range(args.repetitions):
        t0 = time.perf_counter()
        db = build(chunks)
        t1 = time.perf_counter()
        rankings = search(db, queries, 10)
        t2 = time.perf_counter()
        index_s.append(t1 - t0)
        query_s.append(t2 - t1)

    overlaps = [len(set(a) & set(b)) / max(len(b), 1) for a, b in zip(rankings, longforge_top)]
    print(json.dumps({
        "xapian": xapian.version_string(),
        "chunks": db.get_doccount(),
        "queries": len(queries),
        "index_s": statistics.median(index_s),
        "query_s": statistics.median(query_s),
        "top10_overlap_mean": statistics.mean(overlaps),
        "top10_overlap_min": min(overlaps),
        "top1_agree": sum(a[:1] == b[:1] for a, b in zip(rankings, longforge_top)) / len(queries),
    }))


if __name__ == "__main__":
    main()
