"""Rows per second of ``aivoucher.batch.evaluate`` on 1,000,000-row tables, by column type.

Three common forms of the same table (Shenzhen 训力券, one purchase per applicant):

* numpy — a dict of numpy arrays: int64 keys and fen, datetime64[D] dates, ``<U`` text;
* category — a pandas DataFrame with ``category`` text columns and datetime64 dates;
* str — a pandas DataFrame as pandas builds it from Python strings (pandas 3: the ``str``
  dtype; earlier versions: ``object``), dates as ISO text;
* object — the same with every text column cast to ``object``;
* shared — ``object`` columns whose rows hold a few string objects, as ``pandas.read_csv``,
  arrow's ``to_pandas`` or a list of literals make them (``str`` and ``object`` above hold one
  string object per row: pandas copies each numpy string);
* arrow — a pyarrow Table with string columns (when pyarrow is installed).

``shared`` and ``arrow`` have the datetime64 dates of ``category``, so that only the text
columns differ; ``str`` and ``object`` have ISO text dates as well.

Run: ``PYTHONPATH=src python benchmarks/readers.py [rows] [repeats]``; prints the best and
the median time of each form, with rows per second.
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from aivoucher import batch

PROGRAM, AS_OF = "shenzhen.training-compute", "2025-06-30"


def tables(n: int) -> dict[str, Any]:
    rng = np.random.default_rng(20240601)
    kinds = np.array(["enterprise", "university", "research_institute"])
    cities = np.array(["beijing", "shenzhen"])
    text = {
        "applicant.kind": kinds[rng.integers(0, 3, n)],
        "applicant.city": cities[(rng.random(n) < 0.9).astype(np.int8)],
        "purchase.item": np.full(n, "compute"),
        "purchase.use": np.full(n, "training"),
    }
    amount = rng.integers(0, 5_000_000_000, size=n, endpoint=True, dtype=np.int64)
    plain = {
        "applicant": np.arange(n, dtype=np.int64),
        "applicant.startup": rng.random(n) < 0.5,
        "purchase.amount_fen": amount,
        "purchase.settled_fen": amount // 2,
        "purchase.signed": np.full(n, np.datetime64("2025-03-01", "D")),
    }
    category = pd.DataFrame({**plain, **{k: pd.Categorical(v) for k, v in text.items()}})
    strings = pd.DataFrame({**plain, **{k: list(v) for k, v in text.items()}})
    strings["purchase.signed"] = ["2025-03-01"] * n
    objects = strings.copy()
    for name in [*text, "purchase.signed"]:
        objects[name] = objects[name].astype(object)
    shared = category.copy()
    for name in text:
        shared[name] = shared[name].astype(object)
    forms = {"numpy": {**plain, **text}, "category": category, "str": strings, "object": objects}
    forms["shared"] = shared
    try:
        import pyarrow as pa
    except ImportError:
        return forms
    forms["arrow"] = pa.table({**plain, **{k: pa.array(list(v)) for k, v in text.items()}})
    return forms


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    for form, table in tables(n).items():
        batch.evaluate(PROGRAM, table, as_of=AS_OF)  # warm up: rule files, imports
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            batch.evaluate(PROGRAM, table, as_of=AS_OF)
            times.append(time.perf_counter() - start)
        # the best run as well as the median: on a shared machine the best is the steadier
        best, median = min(times), statistics.median(times)
        print(
            f"{form:9} {n:>9,} rows  best {best:.4f} s {n / best / 1e6:6.2f}M rows/s  "
            f"median {median:.4f} s {n / median / 1e6:6.2f}M rows/s"
        )


if __name__ == "__main__":
    main()
