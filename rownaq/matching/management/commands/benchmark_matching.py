"""``manage.py benchmark_matching FILE.jsonl [--scale N]``: the engine against plain BM25."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rownaq.matching.baseline import BaselineBM25
from rownaq.matching.engine import Engine
from rownaq.matching.evaluation import Result, evaluate, load_jsonl, summary_line
from rownaq.matching.synonyms import RELATED_FILE, SYNONYMS_FILE, read_related_file, read_synonyms_file
from rownaq.matching.synthetic import generate_capabilities


class Command(BaseCommand):
    help = (
        "Rank a data set's capabilities for each of its needs (JSONL, see shared/data/eval/README.md) with the "
        "matching engine and with plain BM25 over whitespace tokens (no normalisation); print nDCG@10, recall@10, "
        "MRR@10, index build time and p50/p95 time per need. Only texts, titles, codes and provinces are used; the "
        "labels only score. For reproducibility the engine uses the data files (rownaq/matching/data/synonyms.csv and "
        "related.csv) only, not the desk admin's SynonymGroup rows. The database is not touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="data set, JSON Lines")
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="add generated capabilities (never labelled relevant) to reach N in the index, e.g. 100000",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = load_jsonl(options["file"])
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {options['file']}: {error}") from error
        capabilities = list(data.capabilities)
        if options["scale"] > len(capabilities):
            capabilities += generate_capabilities(options["scale"] - len(capabilities))
        self.stdout.write(
            f"{options['file']}: {len(capabilities)} capabilities ({len(data.capabilities)} from the file), "
            f"{len(data.needs)} needs; vocabulary: {SYNONYMS_FILE.name} and {RELATED_FILE.name} only"
        )
        engine = evaluate("engine", Engine(read_synonyms_file(), read_related_file()), capabilities, data.needs)
        baseline = evaluate("baseline", BaselineBM25(), capabilities, data.needs)
        header = ("nDCG@10", "recall@10", "MRR@10", "build s", "p50 ms", "p95 ms")
        self.stdout.write(f"{'':10} " + " ".join(f"{h:>9}" for h in header))
        for result in (engine, baseline):
            self.stdout.write(self._row(result))
        self.stdout.write(summary_line(engine, baseline))

    @staticmethod
    def _row(r: Result) -> str:
        values = (r.ndcg, r.recall, r.mrr, r.build_seconds, r.p50_ms, r.p95_ms)
        return f"{r.name:10} " + " ".join(f"{v:9.3f}" if n < 3 else f"{v:9.2f}" for n, v in enumerate(values))
