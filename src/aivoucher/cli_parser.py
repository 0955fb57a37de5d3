"""The command line's parser: every command, its options and their help (in English here; in
Chinese through :func:`aivoucher.cli_words.localize`). :mod:`aivoucher.cli` runs what it parses.
"""

from __future__ import annotations

import argparse
import datetime as dt

from . import __version__
from .cli_words import LOCALE_HELP, localize

__all__ = ["ArgumentError", "Parser", "build_parser"]


class ArgumentError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise ArgumentError(f"{self.prog}: {message}")


def _date(text: str) -> dt.date:
    from .base.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _time_options(command: argparse.ArgumentParser) -> None:
    """The options every command that estimates shares: date of knowledge, renewal, locale."""
    command.add_argument(
        "--as-of", type=_date, metavar="DATE", help="date of knowledge (default: today)"
    )
    command.add_argument(
        "--assume-renewal",
        action="store_true",
        help="count purchases signed after a program's last known version ends, as if it were "
        "renewed on the same terms (listed as an assumption)",
    )
    command.add_argument(
        "--fx",
        action="append",
        default=[],
        metavar="CUR=RATE",
        help="an exchange rate in yuan per unit of another currency (HKD=0.92), added to the "
        "profile's fx: programs paying in another currency than the profile's amounts are "
        "judged only with one (repeatable)",
    )
    _locale_option(command)


def _locale_option(command: argparse.ArgumentParser) -> None:
    # None: main() puts the locale of the environment in its place (docs: "Language")
    command.add_argument("--locale", choices=["zh", "en"], default=None, help=LOCALE_HELP)


def _min_confidence(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--min-confidence",
        choices=["official", "copy", "report", "seed"],
        help="rank only on awards whose sources are at least this strong (official > copy > "
        "report > seed); the others are listed as left out",
    )


def _workbook_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-o", "--output", metavar="FILE", help="the Excel workbook to write (--format xlsx)"
    )


def build_parser(locale: str = "en") -> Parser:
    """The command line's parser, its help in ``locale``."""
    parser = Parser(
        prog="aivoucher",
        description="What Chinese AI compute-subsidy programs would pay an applicant, and why.",
    )
    parser.add_argument("--version", action="version", version=f"aivoucher {__version__}")
    parser.add_argument(
        "--rules", metavar="DIR", help="use the rule files in DIR instead of the bundled ones"
    )
    # before the command too (aivoucher --locale zh --help); main() reads it from the command
    # line before parsing, and a command's own --locale (default None) is not overwritten
    parser.add_argument("--locale", choices=["zh", "en"], dest="main_locale", help=LOCALE_HELP)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    est = sub.add_parser("estimate", help="estimate every program for a profile (YAML or JSON)")
    est.add_argument("profile", help="profile file (YAML or JSON; - for standard input)")
    _time_options(est)
    est.add_argument("--format", choices=["text", "json", "csv", "xlsx"], default="text")
    _workbook_option(est)
    detail = est.add_mutually_exclusive_group()
    detail.add_argument(
        "--detail",
        choices=["summary", "awards", "full"],
        help="summary: the totals and what they rest on (range, confidence, renewal, open "
        "facts, assumptions); awards: and each program that pays or may pay, with its sources; "
        "full (default): everything (text and json)",
    )
    detail.add_argument(
        "--verbose",
        action="store_true",
        help="every program with its steps, reasons and assumptions",
    )
    detail.add_argument("--summary", action="store_true", help="the same as --detail summary")
    est.add_argument(
        "--all", action="store_true", help="also report programs not in force (drafts, superseded)"
    )
    est.add_argument(
        "--program", action="append", metavar="ID", help="only this program (repeatable)"
    )
    est.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a reading a rule file offers as an option (repeatable; "
        "`aivoucher programs` lists them)",
    )

    report = sub.add_parser(
        "report",
        help="write a self-contained HTML report of an estimate, or with --compare of where to "
        "register (prints to A4 PDF)",
    )
    report.add_argument("profile", help="profile file (YAML or JSON; - for standard input)")
    report.add_argument(
        "--compare",
        action="store_true",
        help="compare places for the profile as a plan (its city is ignored): the ranked places, "
        "and for the leading ones what the figure rests on, what to find out and what to prepare",
    )
    report.add_argument(
        "--places", metavar="A,B", help="with --compare: only these cities or provinces"
    )
    _min_confidence(report)
    report.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the HTML file to write"
    )
    _time_options(report)
    report.add_argument(
        "--assume", action="append", default=[], metavar="NAME", help="as for estimate"
    )

    cmp_ = sub.add_parser(
        "compare", help="compare places for a plan: what each would pay if you registered there"
    )
    cmp_.add_argument("plan", help="plan: a profile (YAML or JSON; its city is ignored)")
    cmp_.add_argument(
        "--places", metavar="A,B", help="only these cities or provinces (comma-separated)"
    )
    _time_options(cmp_)
    cmp_.add_argument("--format", choices=["text", "json", "csv", "xlsx"], default="text")
    _workbook_option(cmp_)
    _min_confidence(cmp_)
    cmp_.add_argument(
        "--verbose",
        action="store_true",
        help="every place with each award, its missing facts and notes (text)",
    )

    progs = sub.add_parser("programs", help="list the programs")
    progs.add_argument("--city", help="only this city or province (pinyin or Chinese)")
    _locale_option(progs)
    progs.add_argument(
        "--format",
        choices=["text", "json", "markdown"],
        default="text",
        help="json: {generator, as_of, programs: [one object per rule file]}",
    )
    progs.add_argument(
        "--as-of", help="flag programs whose last known version ended before this date (today)"
    )

    show = sub.add_parser("show", help="describe one program with its sources and open points")
    show.add_argument("id", help="the program's id, or its Chinese or English name (训力券)")
    _locale_option(show)

    check = sub.add_parser("check", help="validate rule files and run their examples")
    check.add_argument("directory", nargs="?", help="rule directory (default: the bundled rules)")
    _locale_option(check)

    verify = sub.add_parser(
        "verify",
        help="read an estimate's JSON back and check it against the rules: exit 2 unless it is "
        "exactly what they give for its profile",
    )
    verify.add_argument("estimate", help="the estimate JSON (- for standard input)")
    _locale_option(verify)
    verify.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text: the estimate's summary (default); json: the estimate's JSON",
    )

    schema = sub.add_parser(
        "schema", help="print the JSON Schema of rule files, profiles, estimates or comparisons"
    )
    schema.add_argument(
        "--output",
        choices=["rules", "profile", "estimate", "comparison", "programs", "error"],
        default="rules",
        metavar="NAME",
        help="rules: the rule-file schema (default); profile: the profile contract; estimate, "
        "comparison and programs: the JSON `estimate`, `compare` and `programs` write with "
        "--format json; error: the JSON error document",
    )
    schema.add_argument(
        "--detail",
        choices=["summary", "awards", "full"],
        default="full",
        help="with --output estimate: the document `estimate --detail` writes (default: full)",
    )
    sub.add_parser(
        "mcp",
        help="serve the tools for AI agents over stdio, as a Model Context Protocol server "
        "(needs the mcp extra: pip install 'aivoucher[mcp]'; docs/agents.md)",
    )
    localize(parser, locale)
    return parser
