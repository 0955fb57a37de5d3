"""Reading a table of purchases: pandas, polars, pyarrow or a dict of numpy arrays.

Every column is turned into one of two forms, without copying where the source allows:

* categorical — integer ``codes`` (−1 for a null) into a short list of ``categories``
  (pandas ``category`` columns and arrow dictionaries arrive like this; other text and boolean
  columns are factorised once);
* plain — a numpy array of ``values`` and a ``null`` mask (``None`` when nothing is null).

Every column of the profile contract is then *read* once (:func:`read_contract`), through the
readers a profile uses (:func:`aivoucher.vocabulary.profile.read_values`,
:func:`aivoucher.base.money.parse_amount`), applied to the column's distinct values rather than to
every row: categories become the contract's values, dates ``datetime64[D]``, amounts and keys
``int64``. A value the contract refuses raises :class:`~aivoucher.errors.TableError` naming the
column and the first row that holds it, with the code and words a profile gets for it.

pandas, polars and pyarrow are recognised by their module name and never imported here, so
none of them is needed unless the caller passes one of their tables.
"""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from ..base.dates import DATE_FORMS
from ..base.money import MAX_AMOUNT, parse_amount
from ..errors import InputError, MissingDependencyError, TableError

__all__ = ["Column", "Table", "categorical", "dates", "fen", "integers", "read_table"]

Codes = npt.NDArray[np.integer[Any]]
Mask = npt.NDArray[np.bool_]


@dataclass(slots=True)
class Column:
    """One column: categorical (``codes`` and ``categories``) or plain (``values``).

    ``read`` says the column holds the contract's values (see the module docstring). Nulls of
    an ``object`` array are found when it is read (``null`` is ``None`` until then).
    """

    name: str
    values: npt.NDArray[Any] | None = None
    null: Mask | None = None
    codes: Codes | None = None
    categories: list[Any] | None = None
    read: bool = False


def _is_null(value: object) -> bool:
    # None, NaN, NaT and pandas' NA all count as unknown
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, float) and value != value


def _object_nulls(values: npt.NDArray[Any]) -> Mask | None:
    null = np.fromiter((_is_null(v) for v in values), dtype=bool, count=len(values))
    return null if null.any() else None


def _pandas() -> Any:
    """pandas where the caller has loaded it (its hash tables are faster than a loop); never
    imported here."""
    return sys.modules.get("pandas")


def _from_numpy(name: str, data: object) -> Column:
    if isinstance(data, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(data)
        values = np.asarray(data.data)
        return Column(name, values=values, null=mask if mask.any() else None)
    values = np.asarray(data)
    if values.ndim != 1:
        raise TableError("a column must be one-dimensional", field=name)
    if values.dtype.kind == "O":
        return Column(name, values=values)
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
        # the Categorical itself: its codes as they are, its categories as one list (the
        # .cat accessor builds a Series per call; iterating an arrow-backed Index is slow)
        categorical = series.array
        return Column(
            name, codes=np.asarray(categorical.codes), categories=categorical.categories.tolist()
        )
    if isinstance(dtype, np.dtype):
        return _from_numpy(name, series.to_numpy())
    pd = _pandas()
    if str(getattr(dtype, "pyarrow_dtype", "")) in _ARROW_TEXT:
        # arrow strings (pd.ArrowDtype): coded by arrow, as an arrow column is (turning them
        # into Python strings first would cost far more than the coding)
        return _from_arrow(name, sys.modules["pyarrow"].array(series))
    if pd is not None and isinstance(dtype, pd.StringDtype):
        if dtype.storage == "python":
            # Python strings (NaN or NA where null): coded with the object columns, nulls
            # found among the distinct values rather than row by row
            return Column(name, values=np.asarray(series.to_numpy(dtype=object)))
        # arrow strings: coded by arrow's dictionary encoding
        return _from_arrow(name, sys.modules["pyarrow"].array(series))
    # extension types (boolean, Int64, string, arrow): the values with a null mask
    null = np.asarray(series.isna().to_numpy(), dtype=bool)
    numpy_dtype = getattr(dtype, "numpy_dtype", None)
    if isinstance(numpy_dtype, np.dtype) and numpy_dtype.kind in "biu":
        values = series.to_numpy(dtype=numpy_dtype, na_value=0)
    else:
        values = series.to_numpy(dtype=object)
    return Column(name, values=np.asarray(values), null=null if null.any() else None)


#: Arrow's text types (``str()`` of the type).
_ARROW_TEXT = frozenset(("string", "large_string", "string_view"))


def _from_arrow(name: str, chunked: Any) -> Column:
    array = chunked.combine_chunks() if hasattr(chunked, "combine_chunks") else chunked
    kind = str(array.type)
    null = None
    if array.null_count:
        null = np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    if kind in _ARROW_TEXT:
        single = _known_text(name, array, null)
        if single is not None:
            return single
        # text: coded once by arrow, each distinct value then read once; text that is mostly
        # distinct (ids, names) gains nothing from codes and stays plain
        encoded = array.dictionary_encode()
        if len(encoded.dictionary) * 4 <= len(array):
            array, kind = encoded, "dictionary"
    if kind.startswith("dictionary"):
        codes = np.asarray(array.indices.fill_null(0).to_numpy(zero_copy_only=False))
        if null is not None:
            codes = np.where(null, -1, codes)
        return Column(name, codes=codes, categories=array.dictionary.to_pylist())
    if "tz=" in kind:
        # zone-aware times: as Python datetimes, which the date reader refuses (numpy would
        # silently convert them to UTC)
        values = np.empty(len(array), dtype=object)
        values[:] = array.to_pylist()
        return Column(name, values=values, null=null)
    if null is not None and (kind == "bool" or kind.startswith(("int", "uint"))):
        array = array.fill_null(False if kind == "bool" else 0)
    values = np.asarray(array.to_numpy(zero_copy_only=False))
    return Column(name, values=values, null=null)


def _known_text(name: str, array: Any, null: Mask | None) -> Column | None:
    """An arrow text column coded against the distinct values of a sample: one comparison
    where the sample holds one value, one look-up in a set of the sample's values otherwise
    (both cheaper than a dictionary encoding, which builds that set row by row); None where a
    row holds a value the sample missed, or the sample holds many."""
    compute = importlib.import_module("pyarrow.compute")  # the caller's pyarrow
    n = len(array)
    if not n or str(array.type) == "string_view":  # (no take or look-up kernels for views)
        return None
    known = compute.unique(array.take(_sample(n)).drop_null())
    if not 0 < len(known) <= 64:
        return None
    if len(known) == 1:
        if not compute.all(compute.equal(array, known[0])).as_py():  # (nulls are skipped)
            return None
        codes = np.zeros(n, dtype=np.int8)
    else:
        found = compute.index_in(array, value_set=known)
        if found.null_count != array.null_count:
            return None
        codes = np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False))
    if null is not None:
        codes = np.where(null, -1, codes)
    return Column(name, codes=codes, categories=known.to_pylist())


def _unique_names(names: list[Any]) -> None:
    """Each column once: a name given twice (or ``1`` and ``"1"``) has no one reading."""
    counts = Counter(str(n) for n in names)
    for name, count in counts.items():
        if count > 1:
            raise TableError(f"the column appears {count} times", field=name)


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
                read=c.read,
            )
        return Table(columns, size)


def read_table(table: object) -> Table:
    """The columns of ``table`` (see the module docstring for the accepted kinds)."""
    module = type(table).__module__.split(".")[0]
    columns: dict[str, Column] = {}
    if isinstance(table, Mapping):
        _unique_names(list(table))
        for name, data in table.items():
            columns[str(name)] = _from_numpy(str(name), data)
    elif module == "pandas" and hasattr(table, "columns"):
        names = table.columns.tolist()
        _unique_names(names)
        # each column by its (now unique) name: a third of the cost of iloc by position
        for name in names:
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
        _unique_names(list(table.column_names))
        for i, name in enumerate(table.column_names):
            columns[str(name)] = _from_arrow(str(name), table.column(i))  # type: ignore[attr-defined]
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


# -- reading the contract's columns -----------------------------------------------------------

I64 = npt.NDArray[np.int64]
Days = npt.NDArray[np.datetime64]
INT64 = np.iinfo(np.int64)
MAX_FEN = int(MAX_AMOUNT * 100)
#: The days a profile's dates can name (datetime.date's range).
FIRST_DAY, LAST_DAY = np.datetime64("0001-01-01", "D"), np.datetime64("9999-12-31", "D")
#: Time units of datetime64, per day.
PER_DAY = {"h": 24, "m": 1440, "s": 86_400, "ms": 86_400_000, "us": 86_400 * 10**6}
PER_DAY["ns"] = 86_400 * 10**9


def _first(mask: Mask) -> int:
    return int(np.argmax(mask))


def _refused(column: Column, row: int, error: InputError, value: object) -> TableError:
    """The contract's refusal of ``value`` at ``row``: the profile's words and code."""
    message = error.message
    shown = repr(value)
    if len(shown) <= 60 and shown not in message:
        message += f" (the value is {shown})"
    return TableError(message, field=column.name, row=row, code=error.code)


def read_contract(table: Table, kinds: Mapping[str, str]) -> None:
    """Read every column of ``table`` that ``kinds`` names (``key``, ``fen``, ``date``;
    any other kind: a profile field read as categories), in place and once."""
    for name, column in table.columns.items():
        kind = kinds.get(name)
        if kind is None or column.read:
            continue
        if kind == "key":
            integers(column, "applicant keys")
        elif kind == "fen":
            fen(column)
        elif kind == "date":
            dates(column)
        elif kind != "text" or not _plain_text(column):
            categorical(column)


def _plain_text(column: Column) -> bool:
    """Whether a free-text column (a name, an id) holds only text a profile accepts, found
    without reading each value (ids are often all distinct): numpy text no longer than the
    field's limit, or pandas-checked strings. Where this cannot tell, the column is read."""
    from ..vocabulary.profile import text_limit

    limit = text_limit(column.name)
    if limit is None:
        return False
    if column.categories is not None:
        # coded text (arrow strings, pandas categories): the distinct values, once each
        return all(type(c) is str and len(c) <= limit for c in column.categories)
    values = column.values
    if values is None:
        return False
    if values.dtype.kind == "U":
        return values.dtype.itemsize // 4 <= limit
    pd = _pandas()
    if values.dtype.kind != "O" or pd is None:
        return False
    if pd.api.types.infer_dtype(values, skipna=True) != "string":
        return False
    return bool(pd.Series(values, dtype=object).str.len().max() <= limit)


def integers(
    column: Column, what: str, reader: Callable[[int], object] | None = None
) -> tuple[I64, Mask | None]:
    """An integer column (applicant keys, fen) as int64. Floats, text and booleans are
    refused, and integers outside int64 (``reader``, where given, refuses such a value in the
    contract's words first), naming the first offending row."""
    if column.read:
        assert column.values is not None
        return column.values, column.null
    if column.codes is not None:
        raise TableError(f"{what} must be integers, not categories", field=column.name)
    values = column.values
    assert values is not None
    null = column.null
    if values.dtype.kind == "O":
        null = _object_nulls(values)
        ok = np.fromiter(
            (
                isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
                for v in values
            ),
            dtype=bool,
            count=len(values),
        )
        if null is not None:
            ok |= null
        if not ok.all():
            row = _first(~ok)
            value = values[row]
            raise TableError(
                f"{what} must be integers, not {type(value).__name__} ({value!r:.60})",
                field=column.name,
                row=row,
            )
        inside = np.fromiter(
            (bool(INT64.min <= v <= INT64.max) for v in np.where(null, 0, values))
            if null is not None
            else (bool(INT64.min <= v <= INT64.max) for v in values),
            dtype=bool,
            count=len(values),
        )
        if not inside.all():
            _out_of_range(column, what, _first(~inside), int(values[_first(~inside)]), reader)
        values = (np.where(null, 0, values) if null is not None else values).astype(np.int64)
    elif values.dtype.kind not in "iu":
        raise TableError(f"{what} must be integers, not {values.dtype}", field=column.name)
    elif values.dtype.kind == "u" and values.size and values.max() > INT64.max:
        row = _first(values > INT64.max)
        _out_of_range(column, what, row, int(values[row]), reader)
    column.values, column.null = values.astype(np.int64, copy=False), null
    return column.values, null


def _out_of_range(
    column: Column, what: str, row: int, value: int, reader: Callable[[int], object] | None
) -> None:
    if reader is not None:
        try:
            reader(value)
        except InputError as exc:
            raise _refused(column, row, exc, value) from None
    raise TableError(f"{what} must lie within int64, not {value}", field=column.name, row=row)


def _yuan_of_fen(value: int) -> object:
    return parse_amount(Decimal(value).scaleb(-2))


def fen(column: Column) -> tuple[I64, Mask | None]:
    """An amount column in integer fen: every amount one a profile accepts (0 to 1万亿 yuan);
    the first other is refused by the profile's amount reader, in its words and code."""
    if column.read:
        assert column.values is not None
        return column.values, column.null
    values, null = integers(column, "amounts in fen", _yuan_of_fen)
    if len(values):
        present = values if null is None else values[~null]
        if len(present) and (present.min() < 0 or present.max() > MAX_FEN):
            bad = (values < 0) | (values > MAX_FEN)
            if null is not None:
                bad &= ~null
            row = _first(bad)
            _out_of_range(column, "amounts in fen", row, int(values[row]), _yuan_of_fen)
    column.read = True
    return values, null


def dates(column: Column) -> tuple[Days, Mask | None]:
    """A date column as datetime64[D]: text and Python values through the profile's date
    reader (one call per distinct value), datetime64 values that are whole days."""
    if column.read:
        assert column.values is not None
        return column.values, column.null
    if column.codes is not None or (column.values is not None and column.values.dtype.kind in "OU"):
        codes, days = _read_categories(column)
        table = np.array(days, dtype="datetime64[D]") if days else np.zeros(1, "datetime64[D]")
        unknown = codes < 0
        out = table[np.where(unknown, 0, codes)] if unknown.any() else table[codes]
        column.values, column.null = out, unknown if unknown.any() else None
        column.codes = column.categories = None
    else:
        values = column.values
        assert values is not None
        if values.dtype.kind != "M":
            raise TableError(
                f"dates must be datetime64 or text ({DATE_FORMS}), not {values.dtype}",
                field=column.name,
            )
        column.values = _whole_days(column, values, column.null)
    column.read = True
    return column.values, column.null


def _whole_days(column: Column, values: npt.NDArray[Any], null: Mask | None) -> Days:
    unit, count = np.datetime_data(values.dtype)
    present = None if null is None else ~null
    if unit in ("Y", "M", "W", "generic"):
        # a year, a month or a week is not a day (2025 would be read as 1 January)
        if len(values) and (present is None or present.any()):
            row = 0 if present is None else _first(present)
            raise TableError(
                f"dates must be days, not datetime64[{unit}] values "
                f"({np.datetime_as_string(values[row])!r})",
                field=column.name,
                row=row,
                code="date.invalid",
            )
        return values.astype("datetime64[D]")
    if unit != "D" or count != 1:
        days = values.astype("datetime64[D]")
        per_day = PER_DAY.get(unit)
        if per_day is not None and count == 1:
            # back to the unit by one multiplication: far cheaper than a remainder per row
            off = days.view(np.int64) * per_day != values.view(np.int64)
        else:
            off = days.astype(values.dtype) != values
        if present is not None:
            off &= present
        if off.any():
            row = _first(off)
            _refuse_text(column, row, np.datetime_as_string(values[row]))
        if unit == "ns" and count == 1:
            return days  # 1678 to 2262: every day is one a profile can name
        values = days
    if len(values):
        # as integers: numpy's datetime reductions check every value for NaT, several times
        # slower
        ticks = values.view(np.int64) if present is None else values.view(np.int64)[present]
        first, last = FIRST_DAY.astype(np.int64), LAST_DAY.astype(np.int64)
        if len(ticks) and (ticks.min() < first or ticks.max() > last):
            off = (values < FIRST_DAY) | (values > LAST_DAY)
            if present is not None:
                off &= present
            row = _first(off)
            _refuse_text(column, row, np.datetime_as_string(values[row]))
    return values


def _refuse_text(column: Column, row: int, text: str) -> None:
    """Refuse a datetime64 value as the profile refuses its ISO text (a time, a year past
    9999)."""
    from ..vocabulary.profile import read_values

    _, refused = read_values(column.name, [text])
    error = refused.get(0, InputError("not a date", code="date.invalid"))
    raise _refused(column, row, error, text)


def categorical(column: Column) -> tuple[Codes, list[Any]]:
    """Codes (−1 = unknown) into the contract's values of ``column``: each distinct value is
    read once by the profile's reader of the field the column is named after; values that read
    the same (``深圳`` and ``shenzhen``) share a code."""
    if column.read:
        assert column.codes is not None and column.categories is not None
        return column.codes, column.categories
    codes, canonical = _read_categories(column)
    column.codes, column.categories, column.values, column.null = codes, canonical, None, None
    column.read = True
    return codes, canonical


def _read_categories(column: Column) -> tuple[Codes, list[Any]]:
    from ..vocabulary.profile import read_values

    if column.codes is not None:
        assert column.categories is not None
        codes, raw = column.codes, column.categories
    else:
        codes, raw = _factorise(column)
    present = [i for i, v in enumerate(raw) if not _is_null(v)]
    read, refused = read_values(column.name, [raw[i] for i in present])
    if refused:
        bad = np.zeros(len(raw) + 1, dtype=bool)
        bad[[present[i] for i in refused]] = True
        row = _first(bad[codes])  # code −1 reads the last slot: never bad
        value = raw[codes[row]]
        error = refused[present.index(int(codes[row]))]
        # a value of a type no accepted value has: say so, the cause is often a merge of tables
        accepted = {type(raw[present[i]]) for i in range(len(present)) if i not in refused}
        if accepted and type(value) not in accepted:
            kinds = ", ".join(sorted(t.__name__ for t in accepted))
            error = InputError(
                f"values of mixed types ({type(value).__name__} among {kinds}): " + error.message,
                code=error.code,
            )
        raise _refused(column, row, error, value)
    canonical: list[Any] = []
    position: dict[Any, int] = {}  # the values of one field: one type, hashable
    remap = np.full(len(raw) + 1, -1, dtype=np.intp)  # code −1 maps to itself (last slot)
    for i, value in zip(present, read, strict=True):
        code = position.get(value)
        if code is None:
            code = position[value] = len(canonical)
            canonical.append(value)
        remap[i] = code
    if not (len(canonical) == len(raw) and np.array_equal(remap[:-1], np.arange(len(raw)))):
        codes = remap[codes]
    return codes, canonical


def _peel(values: npt.NDArray[Any], most: int = 8) -> tuple[Codes, list[int]] | None:
    """Codes of a column with few distinct values, one comparison pass per value (much faster
    than sorting or hashing), and the first row of each; None when it has more than ``most``.
    Once few rows are left uncoded, the passes compare those rows only."""
    n = len(values)
    codes = np.full(n, -1, dtype=np.int8)
    firsts: list[int] = []
    uncoded, start = n, 0
    while uncoded * 4 > n:  # whole-column passes while many rows are left
        if len(firsts) == most:
            return None
        same = values == values[start]
        codes[same] = len(firsts)
        firsts.append(start)
        uncoded -= int(np.count_nonzero(same))
        if not uncoded:
            return codes, firsts
        start += int(np.argmax(codes[start:] < 0))
    rest = np.flatnonzero(codes < 0)
    left = values[rest]
    while len(left):
        if len(firsts) == most:
            return None
        same = left == left[0]
        codes[rest[same]] = len(firsts)
        firsts.append(int(rest[0]))
        other = ~same
        rest, left = rest[other], left[other]
    return codes, firsts


def _sample(n: int) -> npt.NDArray[np.intp]:
    """Rows that stand for a column of ``n`` rows: the first 256 and about 2,000 spread
    over the rest (where a column's distinct values are looked for before coding it)."""
    if n <= 256:
        return np.arange(n)
    # in order and without repeats as made: the spread rows start past the first 256
    return np.concatenate((np.arange(256), np.arange(256, n, max(1, n // 2048))))


#: Rows compared per block when checking numpy text against its expected values: small
#: enough to stay in the processor's cache between the steps on one block.
_BLOCK = 1 << 14
#: Rows above which numpy text is coded by :func:`_code_text`: below, sampling costs more than
#: the comparison passes it saves (a table of a few hundred thousand rows of few values).
_LONG_TEXT = 1 << 18
#: Characters a numpy text array can hold (code points), plus one slot for anything above.
_CHARS = 0x110001


def _code_text(values: npt.NDArray[Any], null: Mask | None) -> tuple[Codes, list[Any]] | None:
    """Codes of numpy text (``U``) with a few distinct values, in about one pass over its
    memory; None where another way suits better (many distinct values, no single character
    that tells them apart).

    The distinct values are taken from a sample; one character position that tells them
    apart gives each row its candidate code, and every row is then compared, as machine
    words, with its candidate value, block by block while the block is in the cache. Rows
    that differ hold values the sample missed: they are coded apart, so every row's code
    names exactly its own text (comparing numpy text value by value costs a whole pass per
    distinct value; sorting or hashing it costs several)."""
    n, size = len(values), values.dtype.itemsize
    if not n or not size:
        return None
    values = np.ascontiguousarray(values)
    sample = _sample(n)
    if null is not None:
        sample = sample[~null[sample]]
    known = np.unique(values[sample])
    k = len(known)
    if not 0 < k <= 64:
        return None
    codes: Codes
    if k == 1:
        same = values == known[0]
        if null is not None:
            same |= null
        codes, other = np.zeros(n, dtype=np.int8), np.flatnonzero(~same)
    else:
        chars = known.view(np.uint32).reshape(k, -1)
        position = next((j for j in range(chars.shape[1]) if len(set(chars[:, j])) == k), None)
        if position is None or int(chars[:, position].max()) >= _CHARS - 1:
            return None  # (the latter: not code points, e.g. text of the other byte order)
        lookup = np.full(_CHARS, -1, dtype=np.int8)  # a character no known value has there: −1
        lookup[chars[:, position]] = np.arange(k, dtype=np.int8)
        unit = np.uint64 if size % 8 == 0 else np.uint32
        words, table = values.view(unit).reshape(n, -1), known.view(unit).reshape(k, -1)
        column = values.view(np.uint32).reshape(n, -1)[:, position]
        codes = np.empty(n, dtype=np.int8)
        differ = []
        for start in range(0, n, _BLOCK):
            stop = start + _BLOCK
            block = lookup.take(column[start:stop], mode="clip", out=codes[start:stop])
            same = words[start:stop] == table.take(block, axis=0)
            if not same.all():
                differ.append(np.flatnonzero(~same.all(axis=1)) + start)
        other = np.concatenate(differ) if differ else np.zeros(0, dtype=np.intp)
        if null is not None:
            other = other[~null[other]]
    categories = [v.item() for v in known]
    if len(other):
        # values the sample missed (none of them equals a known value: that value's character
        # would have named it)
        extra, inverse = np.unique(values[other], return_inverse=True)
        codes = codes.astype(np.intp)
        codes[other] = k + inverse
        categories += [v.item() for v in extra]
    if null is not None:
        codes = np.where(null, -1, codes)
    return codes, categories


def _addresses(values: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
    """The objects of an object array as integers, without touching them: an object array
    holds one pointer per row (numpy's layout), which are equal exactly when the rows hold the
    same object. The view borrows ``values``' memory: use it while ``values`` is alive."""
    import ctypes

    pointer = ctypes.cast(values.ctypes.data, ctypes.POINTER(ctypes.c_ssize_t))
    return np.ctypeslib.as_array(pointer, shape=(len(values),)).view(np.intp)


#: pandas' inferred kinds whose values cannot equal a value of another type (``True == 1``
#: would merge a boolean and an integer in a hash table).
_ONE_TYPE = frozenset(("string", "boolean", "date", "empty"))


def _factorise(column: Column) -> tuple[Codes, list[Any]]:
    """Codes of a column's distinct values, which are then read once each. Text is coded
    without reading a value twice: numpy text by comparison passes or a sort, Python objects
    by identity first (a table read from a file or built from a list mostly repeats the same
    few string objects), then by pandas' hash tables."""
    values = column.values
    assert values is not None
    null = column.null
    n = len(values)
    if values.dtype.kind == "b":
        codes = values.view(np.int8)
        if null is not None:
            codes = np.where(null, np.int8(-1), codes)
        return codes, [False, True]
    if values.dtype.kind == "O":
        return _factorise_objects(values, null)
    if values.dtype.kind not in "US":
        return _factorise_objects(values.astype(object), null)
    if values.dtype.kind == "U" and n > _LONG_TEXT:  # (shorter: the passes below cost less)
        coded = _code_text(values, null)
        if coded is not None:
            return coded
    if n and null is None:
        peeled = _peel(values)
        if peeled is not None:
            return peeled[0], [values[i].item() for i in peeled[1]]
    present = values[~null] if null is not None else values
    uniq, inverse = np.unique(present, return_inverse=True)
    if null is None:
        return inverse.astype(np.intp), [v.item() for v in uniq]
    codes = np.full(n, -1, dtype=np.intp)
    codes[~null] = inverse
    return codes, [v.item() for v in uniq]


#: Up to this many rows, Python values are coded by one loop over them (cheapest).
_FEW = 64


def _factorise_objects(values: npt.NDArray[Any], null: Mask | None) -> tuple[Codes, list[Any]]:
    """Codes of Python values, nulls −1, values of different types never merged."""
    n = len(values)
    if n <= _FEW:
        return _factorise_loop(values, null)  # a few rows: the loop costs least
    if n:
        values = np.ascontiguousarray(values)
        addresses = _addresses(values)
        # more than 16 objects in a sample: passes by identity would all be in vain (text
        # converted row by row, e.g. from numpy or arrow, is one object per row)
        if len(np.unique(addresses[_sample(n)])) <= 16:
            peeled = _peel(addresses, 16)
            if peeled is not None:
                # one code per object: objects of equal value are merged after reading
                codes, firsts = peeled
                if null is not None:
                    codes = np.where(null, np.int8(-1), codes)
                return codes, [values[i] for i in firsts]
    pd = _pandas()
    if pd is None:
        return _factorise_loop(values, null)
    kind = pd.api.types.infer_dtype(values, skipna=False)
    if kind == "string" and null is None and len(set(values[_sample(n)].tolist())) <= 3:
        # Python strings only, no null, a few values: a comparison pass per value is cheaper
        # than hashing every row
        peeled = _peel(values, 3)
        if peeled is not None:
            return peeled[0], [values[i] for i in peeled[1]]
    if kind not in _ONE_TYPE:
        kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in _ONE_TYPE:
        codes, uniques = pd.factorize(values)
        codes = np.asarray(codes)
        if null is not None:
            codes = np.where(null, -1, codes)
        return codes, list(uniques)
    return _factorise_loop(values, null)


def _factorise_loop(values: npt.NDArray[Any], null: Mask | None) -> tuple[Codes, list[Any]]:
    """Codes of Python values of any types, one row at a time."""
    index: dict[Any, int] = {}
    found: list[Any] = []
    out: list[int] = []
    masked = null.tolist() if null is not None else None
    for i, value in enumerate(values.tolist()):
        if (masked is not None and masked[i]) or _is_null(value):
            out.append(-1)
            continue
        try:
            key: Any = (type(value), value)
            code = index.get(key)
        except TypeError:  # unhashable: its own category, which no reader accepts
            key, code = (type(value), id(value)), None
        if code is None:
            code = index[key] = len(found)
            found.append(value)
        out.append(code)
    return np.array(out, dtype=np.intp), found
