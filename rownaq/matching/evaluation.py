"""Scoring a ranker on a data set in the benchmark format (see ``shared/data/eval/README.md``).

Metrics: nDCG@k with graded gains (gain = grade, log2 discount, the ideal from the labels),
recall@k (relevant = grade ≥ 1) and MRR over the top k; plus index build time and the p50/p95
time to rank one need.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rownaq.matching.documents import Document, Hit


class Ranker(Protocol):
    def build(self, documents: Sequence[Document]) -> None: ...

    def rank(self, query: Document, k: int = 10) -> list[Hit]: ...


@dataclass(frozen=True)
class Need:
    document: Document
    relevant: dict[str, int]


@dataclass(frozen=True)
class DataSet:
    capabilities: list[Document]
    needs: list[Need]


def _document(row: Mapping[str, object]) -> Document:
    codes = row.get("codes") or []
    if not isinstance(codes, list):
        raise ValueError(f"codes of {row.get('id')!r} is not a list")
    return Document(
        id=str(row["id"]),
        title=str(row.get("title") or ""),
        text=str(row.get("text") or ""),
        codes=tuple(str(c) for c in codes),
        province=str(row.get("province") or ""),
    )


def parse_lines(lines: Iterable[str]) -> DataSet:
    capabilities: list[Document] = []
    needs: list[Need] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        row = json.loads(line)
        kind = row.get("kind")
        if kind == "capability":
            capabilities.append(_document(row))
        elif kind == "need":
            relevant = {str(k): int(v) for k, v in (row.get("relevant") or {}).items()}
            needs.append(Need(_document(row), relevant))
        else:
            raise ValueError(f"line {number}: unknown kind {kind!r}")
    return DataSet(capabilities, needs)


def load_jsonl(path: Path | str) -> DataSet:
    with open(path, encoding="utf-8") as handle:
        return parse_lines(handle)


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    ideal = dcg(sorted((g for g in relevant.values() if g > 0), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    return dcg([max(relevant.get(i, 0), 0) for i in ranked[:k]]) / ideal


def recall_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    wanted = {i for i, g in relevant.items() if g >= 1}
    if not wanted:
        return 0.0
    return len(wanted & set(ranked[:k])) / len(wanted)


def reciprocal_rank(ranked: Sequence[str], relevant: Mapping[str, int]) -> float:
    for rank, i in enumerate(ranked, 1):
        if relevant.get(i, 0) >= 1:
            return 1.0 / rank
    return 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Result:
    name: str
    ndcg: float
    recall: float
    mrr: float
    build_seconds: float
    p50_ms: float
    p95_ms: float
    documents: int
    queries: int


def evaluate(
    name: str,
    ranker: Ranker,
    capabilities: Sequence[Document],
    needs: Sequence[Need],
    k: int = 10,
    clock: Callable[[], float] = time.perf_counter,
) -> Result:
    """Index ``capabilities`` with ``ranker``, rank each need's document (its labels only score)."""
    started = clock()
    ranker.build(capabilities)
    build_seconds = clock() - started
    ndcgs, recalls, rrs, times = [], [], [], []
    for need in needs:
        started = clock()
        hits = ranker.rank(need.document, k)
        times.append((clock() - started) * 1000)
        ranked = [h.id for h in hits]
        ndcgs.append(ndcg_at_k(ranked, need.relevant, k))
        recalls.append(recall_at_k(ranked, need.relevant, k))
        rrs.append(reciprocal_rank(ranked[:k], need.relevant))
    count = max(len(needs), 1)
    return Result(
        name=name,
        ndcg=sum(ndcgs) / count,
        recall=sum(recalls) / count,
        mrr=sum(rrs) / count,
        build_seconds=build_seconds,
        p50_ms=percentile(times, 50),
        p95_ms=percentile(times, 95),
        documents=len(capabilities),
        queries=len(needs),
    )


def summary_line(engine: Result, baseline: Result) -> str:
    ratio = engine.ndcg / baseline.ndcg if baseline.ndcg > 0 else float("inf")
    return f"nDCG@10 engine={engine.ndcg:.3f} baseline={baseline.ndcg:.3f} ratio={ratio:.2f}"
