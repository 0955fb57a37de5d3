"""The ``aivoucher`` command.

Exit codes: 0 success; 2 bad input (one line naming the file, line or field, no traceback);
1 an internal error (a bug: the traceback is printed so that it can be reported).
``aivoucher check`` exits 1 when an example fails or a rule file is invalid.

With ``--format json`` an error is one JSON line on standard error,
``{"error": {"code", "message", "message_zh", "file", "line", "field", "errors": [...]},
"generator": {...}}`` (docs/errors.md; ``generator.rules`` is ``null`` unless rule files were
loaded before the error); otherwise one line, ``error: …`` or in Chinese ``错误：…``.

The language of help, errors and output is ``--locale``, else the environment's
(``AIVOUCHER_LOCALE``, then ``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``; README, "Language").
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .base.i18n import environment_locale, get_locale, locale
from .base.limits import MAX_ARGUMENTS, check_count, no_place
from .base.visible import joined, json_text, visible
from .cli_parser import ArgumentError as _ArgumentError
from .cli_parser import build_parser as _parser
from .errors import AivoucherError, InputError, error_dict, error_line, said_zh

if TYPE_CHECKING:
    from .questions.comparison import Comparison
    from .render.json import Detail as JsonDetail
    from .ruleset.registry import RuleSet
    from .vocabulary.profile import Profile

__all__ = ["main"]


def _workbook_target(args: argparse.Namespace, inputs: list[str]) -> Path | None:
    """Where ``--format xlsx`` writes (checked before anything is computed), or ``None`` for
    the formats that are printed; ``-o`` without ``xlsx``, or ``xlsx`` without ``-o``, is
    ``output.option``."""
    from .base.output import check_target

    if (args.format == "xlsx") != (args.output is not None):
        raise InputError(
            "--format xlsx needs -o FILE, and -o is for --format xlsx only (a workbook is "
            "not written to standard output)",
            zh="--format xlsx 需要 -o 文件名，-o 只用于 --format xlsx（工作簿不写入标准输出）",
            field="--output",
            code="output.option",
        )
    return None if args.output is None else check_target(args.output, inputs)


def _rules(args: argparse.Namespace) -> RuleSet:
    """The rule set the command uses, loaded once; kept on ``args`` so that an error's JSON
    can name it (``generator``)."""
    from .ruleset.registry import bundled_rules, load_rules

    loaded: RuleSet | None = getattr(args, "loaded_rules", None)
    if loaded is None:
        loaded = load_rules(args.rules) if args.rules else bundled_rules()
        args.loaded_rules = loaded
    return loaded


_DETAIL_CSV = {
    "zh": "--detail 只用于 text 和 json 格式：csv 每个项目一行",
    "en": "--detail applies to the text and json formats: csv is one row per program",
}


def _estimate_detail(args: argparse.Namespace) -> JsonDetail:
    """``--detail``'s level (``--summary`` is ``summary``); ``full`` by default."""
    from .render.json import check_detail

    if args.detail is not None and args.format == "csv":
        from .base.i18n import get_locale

        raise InputError(_DETAIL_CSV[get_locale()], field="--detail", code="cli.usage")
    return check_detail(args.detail or ("summary" if args.summary else "full"))


def _rates(args: argparse.Namespace) -> dict[str, str]:
    """``--fx HKD=0.92 …`` as a mapping; each rate is read as a profile's ``fx`` reads it."""
    rates: dict[str, str] = {}
    for given in getattr(args, "fx", None) or ():
        currency, sep, rate = given.partition("=")
        if not sep or not currency.strip() or not rate.strip():
            raise InputError(
                f"--fx takes CURRENCY=RATE (HKD=0.92), not {given[:40]!r}",
                zh=f"--fx 的写法为 币种=汇率（HKD=0.92），而不是 {given[:40]!r}",
                field="--fx",
                code="fx.invalid",
            )
        rates[currency.strip().upper()] = rate.strip()
    return rates


def _profile(args: argparse.Namespace) -> Profile:
    from .vocabulary.profile import load_profile, parse_profile, with_rates

    if args.profile == "-":
        from .base.documents import PROFILE_LIMITS, parse_yaml, read_stream
        from .base.problems import add_lines
        from .errors import ProfileError

        text = read_stream(sys.stdin.buffer, PROFILE_LIMITS, "<stdin>")
        try:
            profile = parse_profile(parse_yaml(text, source="<stdin>"), source="<stdin>")
        except ProfileError as exc:
            raise add_lines(exc, text) from None
    else:
        profile = load_profile(args.profile)
    return with_rates(profile, _rates(args))


#: ``estimate --format json`` writes ``open_facts`` for profiles of at most this many purchases.
OPEN_FACTS_UP_TO = 100


def _estimate(args: argparse.Namespace) -> int:
    from .render import render_text
    from .render.text import Detail

    level = _estimate_detail(args)
    workbook = _workbook_target(args, [args.profile])
    result = _rules(args).estimate(
        _profile(args),
        programs=args.program,
        as_of=args.as_of,
        include_all=args.all,
        assume=args.assume,
        assume_renewal=args.assume_renewal,
    )
    if workbook is not None:
        from .render.excel import estimate_workbook, write_workbook

        write_workbook(estimate_workbook(result, args.locale), workbook)
    elif args.format == "json":
        from .questions.whatif import what_narrows
        from .render.json import write_json

        # open_facts: each answer is an estimate of its own, so a long profile, or one cut to
        # some programs (whose answers would count every program), leaves it null
        narrowing = (
            what_narrows(result)
            if len(result.profile.purchases) <= OPEN_FACTS_UP_TO and not args.program
            else None
        )
        write_json(result, sys.stdout, args.locale, detail=level, narrowing=narrowing)
    elif args.format == "csv":
        from .render.csv_rows import estimate_csv

        sys.stdout.write(estimate_csv(result, args.locale))
    else:
        from .questions.whatif import what_narrows
        from .render.whatif import render_narrowing

        detail: Detail = "verbose" if args.verbose else "concise" if level == "full" else level
        restricted = bool(args.program)
        narrowed = ""
        if detail in ("concise", "verbose"):  # the shorter views name the open facts instead
            narrowing = what_narrows(
                result, assume=args.assume, assume_renewal=args.assume_renewal, rules=_rules(args)
            )
            narrowed = render_narrowing(narrowing, args.locale) if narrowing else ""
        sys.stdout.write(
            render_text(result, args.locale, detail, restricted=restricted, narrowing=narrowed)
        )
    return 0


def _comparison(args: argparse.Namespace, path: str, rules: RuleSet | None) -> Comparison:
    """The comparison ``compare`` and ``report --compare`` make of the plan at ``path`` (read
    before the rules are loaded, when none are given)."""
    from .base.documents import PROFILE_LIMITS, load_document
    from .questions.comparison import compare

    plan = load_document(path, PROFILE_LIMITS)
    if not isinstance(plan, dict):
        raise InputError(
            "a plan must be a mapping with 'applicant' and 'purchases'",
            file=path,
            code="profile.invalid",
        )
    places = None if args.places is None else [p for p in args.places.split(",") if p.strip()]
    if places == []:  # "--places ," or "--places ''" names no place: not "every place"
        raise no_place("--places")
    try:
        return compare(
            plan,
            places=places,
            as_of=args.as_of,
            assume_renewal=args.assume_renewal,
            assume=getattr(args, "assume", ()),
            rules=rules if rules is not None else _rules(args),
            min_confidence=args.min_confidence,
            fx=_rates(args),
        )
    except InputError as exc:
        raise exc.located(file=path) from None


def _compare(args: argparse.Namespace) -> int:
    workbook = _workbook_target(args, [args.plan])
    result = _comparison(args, args.plan, None)
    if workbook is not None:
        from .render.excel import comparison_workbook, write_workbook

        write_workbook(comparison_workbook(result, args.locale), workbook)
    elif args.format == "json":
        sys.stdout.write(result.to_json(locale=args.locale) + "\n")
    elif args.format == "csv":
        from .render.csv_rows import comparison_csv

        sys.stdout.write(comparison_csv(result, args.locale))
    else:
        detail = "full" if args.verbose else "decision"
        sys.stdout.write(result.to_text(locale=args.locale, detail=detail))
    return 0


def _report(args: argparse.Namespace) -> int:
    from .base.output import check_target, write_atomic
    from .render.report import report_html

    # refused before anything is computed: the profile itself, a directory, a pipe, a device
    target = check_target(args.output, [args.profile])
    rules = _rules(args)
    if args.compare:
        from .questions.where import where_to_register

        comparison = _comparison(args, args.profile, rules)
        html = where_to_register(comparison, rules=rules).to_report_html(locale=args.locale)
        write_atomic(target, html, shown=args.output)
        return 0
    if args.places is not None or args.min_confidence is not None:
        raise InputError(
            "--places and --min-confidence need --compare",
            zh="--places 与 --min-confidence 须与 --compare 同用",
            field="--places",
            code="cli.usage",
        )
    result = rules.estimate(
        _profile(args),
        as_of=args.as_of,
        assume=args.assume,
        assume_renewal=args.assume_renewal,
    )
    html = report_html(result, args.locale, rules=rules)
    write_atomic(target, html, shown=args.output)  # whole or not at all
    return 0


def _columns() -> int:
    """Width to wrap to: the terminal's, within reason."""
    return max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))


def _programs(args: argparse.Namespace) -> int:
    from .render.catalog import catalogue_markdown, program_rows
    from .render.text import render_rows

    if args.format == "markdown":
        sys.stdout.write(catalogue_markdown(_rules(args), args.locale))
        return 0
    from .base.dates import as_of_date

    day = as_of_date(args.as_of)
    rules = _rules(args)
    rows = program_rows(rules, city=args.city, locale=args.locale, as_of=day)
    if args.format == "json":
        from .render.json import generator

        document = {"generator": generator(rules), "as_of": day.isoformat(), "programs": rows}
        sys.stdout.write(json_text(json.dumps(document, ensure_ascii=False, indent=2)) + "\n")
    else:
        sys.stdout.write(render_rows(rows, args.locale, _columns()))
    return 0


def _show(args: argparse.Namespace) -> int:
    from .render import render_program

    rules = _rules(args)
    for entry in rules.versions(rules.find(args.id)):
        sys.stdout.write(render_program(entry.program, args.locale, _columns()) + "\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    from .ruleset.checking import check_directory
    from .ruleset.registry import bundled_rules_dir

    directory = Path(args.directory or args.rules or bundled_rules_dir())
    report = check_directory(directory)
    language = args.locale
    lines = [error_line(error, language) for error in report.errors]
    failed = [o for o in report.outcomes if not o.passed]
    for outcome in failed:
        lines.append(f"FAIL {outcome.path}: {outcome.program}: {outcome.name}")
        lines += [f"     {problem}" for problem in outcome.problems]
    if lines:  # a file name or an example's text may hold anything: each line stays one line
        print(joined(lines))
    passed = len(report.outcomes) - len(failed)
    print(_check_summary(report.files, len(report.errors), passed, len(failed), language))
    return 0 if report.ok else 1


def _check_summary(files: int, invalid: int, passed: int, failed: int, language: str) -> str:
    if language == "zh":
        return f"{files} 个规则文件，{invalid} 个无效；示例 {passed} 个通过，{failed} 个未通过"
    return f"{files} rule files, {invalid} invalid; {passed} passed, {failed} failed"


def _verify(args: argparse.Namespace) -> int:
    from .base.documents import read_stream, read_text
    from .render import render_text
    from .render.estimate_json import ESTIMATE_LIMITS
    from .render.estimate_read import estimate_from_json

    source = "<stdin>" if args.estimate == "-" else args.estimate
    if args.estimate == "-":
        text = read_stream(sys.stdin.buffer, ESTIMATE_LIMITS, source)
    else:
        text = read_text(args.estimate, ESTIMATE_LIMITS)
    try:
        result = estimate_from_json(text, rules=_rules(args))
    except InputError as exc:
        raise exc.located(file=source) from None
    if args.format == "json":
        from .render.json import write_json

        write_json(result, sys.stdout, args.locale)
    else:
        sys.stdout.write(render_text(result, args.locale, "summary"))
    return 0


_DETAIL_SCHEMA = {
    "zh": "--detail 只用于 --output estimate",
    "en": "--detail applies to --output estimate only",
}


def _schema(args: argparse.Namespace) -> int:
    from .render.schema_export import SCHEMAS, estimate_schema

    if args.output == "estimate":
        schema = estimate_schema(args.detail)
    elif args.detail != "full":
        from .base.i18n import get_locale

        raise InputError(_DETAIL_SCHEMA[get_locale()], field="--detail", code="cli.usage")
    else:
        schema = SCHEMAS[args.output]()
    sys.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return 0


def _mcp(args: argparse.Namespace) -> int:
    from .agents import serve

    serve(_rules(args) if args.rules else None)
    return 0


_COMMANDS = {
    "estimate": _estimate,
    "report": _report,
    "compare": _compare,
    "programs": _programs,
    "show": _show,
    "check": _check,
    "verify": _verify,
    "schema": _schema,
    "mcp": _mcp,
}


def _wants_json(argv: Sequence[str]) -> bool:
    """Whether the command line asks for JSON, read before (or without) parsing it, so that
    a usage error is reported in the format asked for. argparse takes unique prefixes of
    options (``--form json``), so they count too."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if len(name) > 2 and "--format".startswith(name):
            if eq:
                return value == "json"
            return i + 1 < len(argv) and argv[i + 1] == "json"
    return False


def _asked_locale(argv: Sequence[str]) -> str | None:
    """The ``--locale`` on the command line (its last, as argparse takes it), read before
    parsing so that the parser's help and errors are in that language; unique prefixes
    (``--loc zh``) count, as for argparse."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if len(name) > 4 and "--locale".startswith(name):
            value = value if eq else (argv[i + 1] if i + 1 < len(argv) else "")
            found = value if value in ("zh", "en") else found
    return found


def _json_error(error: AivoucherError, rules: RuleSet | None = None) -> dict[str, object]:
    """The JSON error document: each problem also in Chinese (``message_zh``: the code's
    sentence, then the message's Chinese half, or the message where it has none), and who
    wrote it with the rule files loaded before the error (``rules``: ``None`` where none
    was)."""
    from .render.json import generator

    data = error_dict(error)
    head = data["error"]
    head["message_zh"] = said_zh(error)
    for entry, problem in zip(head["errors"], error.errors, strict=True):
        entry["message_zh"] = said_zh(problem)
    return data | {"generator": generator(rules)}


def _fail(error: AivoucherError, as_json: bool, rules: RuleSet | None = None) -> int:
    """Report ``error`` on standard error: one line, JSON where JSON was asked for; the
    language is the context's (main() runs every command inside its locale)."""
    line = (
        json_text(json.dumps(_json_error(error, rules), ensure_ascii=False))
        if as_json
        else error_line(error, get_locale())
    )
    print(line, file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    The language (help, errors, output) is ``--locale``, else the environment's
    (:func:`~aivoucher.base.i18n.environment_locale`): ``AIVOUCHER_LOCALE``, then ``LC_ALL``,
    ``LC_MESSAGES`` and ``LANG``, else English."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(arguments)
    language = _asked_locale(arguments)
    if language is None:
        try:
            language = environment_locale(os.environ)
        except InputError as exc:  # neither language is known: the line says it in both
            body = json.dumps(_json_error(exc), ensure_ascii=False)
            print(json_text(body) if as_json else visible(f"error: {exc}"), file=sys.stderr)
            return 2
    with locale(language):
        return _run(arguments, as_json, language)


def _run(arguments: list[str], as_json: bool, language: str) -> int:
    args = argparse.Namespace()
    try:
        # argparse's time grows with the square of the number of options (it looks for the
        # next option from the start each time): a command line is refused past a limit
        check_count(len(arguments), MAX_ARGUMENTS, "arguments")
        args = _parser(language).parse_args(arguments)
        as_json = getattr(args, "format", None) == "json"
        if getattr(args, "locale", language) is None:  # not given: the environment's
            args.locale = language
        status = _COMMANDS[args.command](args)
        sys.stdout.flush()
        return status
    except _ArgumentError as exc:
        return _fail(InputError(str(exc), code="cli.usage"), as_json)
    except AivoucherError as exc:
        return _fail(exc, as_json, getattr(args, "loaded_rules", None))
    except OSError as exc:
        if exc.filename is not None:  # not a failed write to standard output
            raise
        _output_lost(exc)
        return 1
    except KeyboardInterrupt:
        return 130


def _output_lost(exc: OSError) -> None:
    """Standard output could not be written (a closed pipe, a full disk): say so once, and keep
    the interpreter from failing again when it flushes the same stream at exit."""
    with contextlib.suppress(OSError):
        lead = "错误：无法写入输出：" if get_locale() == "zh" else "error: cannot write output: "
        print(lead + str(exc.strerror or exc), file=sys.stderr)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
