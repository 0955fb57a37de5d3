"""Reading a table of purchases: pandas, polars, pyarrow or a dict of numpy arrays.

Every column is turned into one of two forms, without copying where the source allows:

* categorical — integer ``codes`` (−1 for a null) into a short list of ``categories``
  (pandas ``category`` columns and arrow dictionaries arrive like this; other text and boolean
  columns are factorised once);
* plain — a numpy array of ``values`` and a ``null`` mask (``None`` when nothing is null).

pandas, polars and pyarrow are recognised by their module name and never imported here, so
none of them is needed unless the caller passes one of their tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InputError, MissingDependencyError, TableError

__all__ = ["Column", "Table", "read_table"]

Codes = npt.NDArray[np.integer[Any]]
Mask = npt.NDArray[np.bool_]


@dataclass(slots=True)
class Column:
    """One column: categorical (``codes`` and ``categories``) or plain (``values``)."""

    name: str
    values: npt.NDArray[Any] | None = None
    null: Mask | None = None
    codes: Codes | None = None
    categories: list[Any] | None = None


def _is_null(value: object) -> bool:
    # None, NaN, NaT and pandas' NA all count as unknown
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, float) and value != value


def _object_nulls(values: npt.NDArray[Any]) -> Mask | None:
    null = np.fromiter((_is_null(v) for v in values), dtype=bool, count=len(values))
    return null if null.any() else None


def _from_numpy(name: str, data: object) -> Column:
    if isinstance(data, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(data)
        values = np.asarray(data.data)
        return Column(name, values=values, null=mask if mask.any() else None)
    values = np.asarray(data)
    if values.ndim != 1:
        raise TableError("a column must be one-dimensional", field=name)
    if values.dtype.kind == "O":
        return Column(name, values=values, null=_object_nulls(values))
    if values.dtype.kind == "f":
        null = np.isnan(values)
        return Column(name, values=values, null=null if null.any() else None)
    if values.dtype.kind == "M":
        null = np.isnat(values)
        return Column(name, values=values, null=null if null.any() else None)
    return Column(name, values=values)


def _from_pandas(name: str, series: Any) -> Column:
    dtype = series.dtype
    if str(dtype) == "category":
        codes = np.asarray(series.cat.codes.to_numpy())
        return Column(name, codes=codes, categories=list(series.cat.categories))
    if isinstance(dtype, np.dtype):
        return _from_numpy(name, series.to_numpy())
    # extension types (boolean, Int64, string, arrow): the values with a null mask
    null = np.asarray(series.isna().to_numpy(), dtype=bool)
    numpy_dtype = getattr(dtype, "numpy_dtype", None)
    if isinstance(numpy_dtype, np.dtype) and numpy_dtype.kind in "biu":
        values = series.to_numpy(dtype=numpy_dtype, na_value=0)
    else:
        values = series.to_numpy(dtype=object)
    return Column(name, values=np.asarray(values), null=null if null.any() else None)


def _from_arrow(name: str, chunked: Any) -> Column:
    array = chunked.combine_chunks() if hasattr(chunked, "combine_chunks") else chunked
    kind = str(array.type)
    null = None
    if array.null_count:
        null = np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    if kind.startswith("dictionary"):
        codes = np.asarray(array.indices.fill_null(0).to_numpy(zero_copy_only=False))
        if null is not None:
            codes = np.where(null, -1, codes)
        return Column(name, codes=codes, categories=array.dictionary.to_pylist())
    if null is not None and (kind == "bool" or kind.startswith(("int", "uint"))):
        array = array.fill_null(False if kind == "bool" else 0)
    values = np.asarray(array.to_numpy(zero_copy_only=False))
    return Column(name, values=values, null=null)


@dataclass(slots=True)
class Table:
    """The columns of a table, by name, and its number of rows."""

    columns: dict[str, Column]
    rows: int

    def get(self, name: str) -> Column | None:
        return self.columns.get(name)

    def subset(self, rows: npt.NDArray[Any]) -> Table:
        """The rows selected by ``rows`` (a mask or indices)."""
        columns = {}
        size = len(np.arange(self.rows)[rows])
        for name, c in self.columns.items():
            null = None if c.null is None else c.null[rows]
            columns[name] = Column(
                name,
                values=None if c.values is None else c.values[rows],
                null=null if null is not None and null.any() else None,
                codes=None if c.codes is None else c.codes[rows],
                categories=c.categories,
            )
        return Table(columns, size)


def read_table(table: object) -> Table:
    """The columns of ``table`` (see the module docstring for the accepted kinds)."""
    module = type(table).__module__.split(".")[0]
    columns: dict[str, Column] = {}
    if isinstance(table, Mapping):
        for name, data in table.items():
            columns[str(name)] = _from_numpy(str(name), data)
    elif module == "pandas" and hasattr(table, "columns"):
        for name in table.columns:
            columns[str(name)] = _from_pandas(str(name), table[name])  # type: ignore[index]
    elif module == "polars" and hasattr(table, "to_arrow"):
        try:
            arrow = table.to_arrow()
        except ImportError:
            raise MissingDependencyError(
                "polars tables are read through pyarrow: pip install pyarrow"
            ) from None
        return read_table(arrow)
    elif module == "pyarrow" and hasattr(table, "column_names"):
        for name in table.column_names:
            columns[str(name)] = _from_arrow(str(name), table.column(name))  # type: ignore[attr-defined]
    else:
        raise TableError(
            "a table is a pandas or polars DataFrame, a pyarrow Table or a dict of numpy arrays, "
            f"not {type(table).__name__}"
        )
    lengths = {
        name: len(c.codes) if c.codes is not None else len(c.values)  # type: ignore[arg-type]
        for name, c in columns.items()
    }
    if len(set(lengths.values())) > 1:
        name = max(lengths, key=lambda n: lengths[n] != next(iter(lengths.values())))
        raise TableError("columns differ in length", field=name)
    return Table(columns, next(iter(lengths.values()), 0))


# -- typed access -----------------------------------------------------------------------------


def integers(column: Column, what: str) -> tuple[npt.NDArray[np.int64], Mask | None]:
    """An integer column (applicant keys, fen) as int64; a float or text column is refused."""
    if column.codes is not None:
        raise TableError(f"{what} must be integers, not categories", field=column.name)
    values = column.values
    assert values is not None
    null = column.null
    if values.dtype.kind == "O":
        if null is not None:
            values = np.where(null, 0, values)
        if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
            raise TableError(f"{what} must be integers", field=column.name)
        values = values.astype(np.int64)
    elif values.dtype.kind not in "iu":
        raise TableError(f"{what} must be integers, not {values.dtype}", field=column.name)
    if values.dtype.kind == "u" and values.size and values.max() > np.iinfo(np.int64).max:
        raise TableError(f"{what} out of range", field=column.name)
    return values.astype(np.int64, copy=False), null


def dates(column: Column) -> tuple[npt.NDArray[np.datetime64], Mask | None]:
    """A date column as datetime64[D]: datetime64 values, ISO text or ``datetime.date``."""
    if column.codes is not None:
        assert column.categories is not None
        cats = _date_values(column.name, np.asarray(column.categories, dtype=object))
        codes = column.codes
        out = cats[np.where(codes < 0, 0, codes)] if len(cats) else np.zeros(len(codes), "M8[D]")
        unknown = codes < 0
        return out, unknown if unknown.any() else None
    values = column.values
    assert values is not None
    null = column.null
    if values.dtype.kind == "M":
        return values.astype("datetime64[D]", copy=False), null
    if values.dtype.kind not in "OU":
        raise TableError(
            f"dates must be datetime64 or ISO text (YYYY-MM-DD), not {values.dtype}",
            field=column.name,
        )
    if null is not None:
        values = np.where(null, "2000-01-01", values)
    return _date_values(column.name, values), null


def _date_values(name: str, values: npt.NDArray[Any]) -> npt.NDArray[np.datetime64]:
    if values.dtype.kind == "O":
        values = np.array(
            [v.date() if isinstance(v, dt.datetime) else v for v in values], dtype=object
        )
    try:
        out = np.asarray(values, dtype="datetime64[D]")
    except (ValueError, TypeError):
        raise TableError("not a date (YYYY-MM-DD)", field=name) from None
    if np.isnat(out).any():
        raise TableError("not a date (YYYY-MM-DD)", field=name)
    return out


def categorical(column: Column, canon: Callable[[Any], Any]) -> tuple[Codes, list[Any]]:
    """Codes (−1 = unknown) into the canonical values of ``column``.

    ``canon`` turns a raw value into the contract's value (or raises); categories that read the
    same (``深圳`` and ``shenzhen``) are merged.
    """
    if column.codes is not None:
        assert column.categories is not None
        codes, raw = column.codes, column.categories
    else:
        codes, raw = _factorise(column)
    canonical: list[Any] = []
    remap = np.empty(len(raw) + 1, dtype=np.intp)
    remap[-1] = -1  # code −1 (unknown) maps to itself through the last slot
    for i, value in enumerate(raw):
        if _is_null(value):
            remap[i] = -1
            continue
        try:
            value = canon(value)
        except InputError as exc:
            raise TableError(exc.message, field=column.name) from None
        if value not in canonical:
            canonical.append(value)
        remap[i] = canonical.index(value)
    if not (len(canonical) == len(raw) and np.array_equal(remap[:-1], np.arange(len(raw)))):
        codes = remap[codes]
    return codes, canonical


def _peel(values: npt.NDArray[Any], most: int = 8) -> tuple[Codes, list[Any]] | None:
    """Codes of a text column with few distinct values, one comparison pass per value (much
    faster than sorting); None when it has more than ``most``."""
    codes = np.full(len(values), -1, dtype=np.int8)
    found: list[Any] = []
    start = 0
    while len(found) < most:
        left = np.flatnonzero(codes[start:] < 0)
        if not len(left):
            return codes, found
        start += int(left[0])
        value = values[start]
        codes[values == value] = len(found)
        found.append(value.item())
    if (codes < 0).any():
        return None
    return codes, found


def _factorise(column: Column) -> tuple[Codes, list[Any]]:
    values = column.values
    assert values is not None
    null = column.null
    n = len(values)
    if values.dtype.kind == "b":
        codes = values.view(np.int8)
        if null is not None:
            codes = np.where(null, np.int8(-1), codes)
        return codes, [False, True]
    if values.dtype.kind not in "OU":
        raise TableError(f"expected text or booleans, not {values.dtype}", field=column.name)
    if n and null is None and values.dtype.kind == "U":
        found = _peel(values)
        if found is not None:
            return found
    present = values[~null] if null is not None else values
    try:
        uniq, inverse = np.unique(present, return_inverse=True)
    except TypeError:
        raise TableError("values of mixed types", field=column.name) from None
    if null is None:
        return inverse.astype(np.intp), [v.item() if hasattr(v, "item") else v for v in uniq]
    codes = np.full(n, -1, dtype=np.intp)
    codes[~null] = inverse
    return codes, [v.item() if hasattr(v, "item") else v for v in uniq]
