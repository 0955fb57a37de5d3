"""The command line's help in Chinese and English.

``cli.py`` writes its help in English; :data:`HELP` pairs each of those sentences, and the few
argparse writes itself (the ``-h`` and ``--version`` lines, the headings, ``usage:``), with its
Chinese. :func:`localize` puts the Chinese on a parser and its subcommands' parsers after they
are built, so that the parser is defined once and argparse itself is left alone. A test checks
that every help sentence the parser holds has its pair here.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator

__all__ = ["HELP", "LOCALE_HELP", "help_texts", "localize"]

LOCALE_HELP = (
    "language of the output, zh or en (default: AIVOUCHER_LOCALE, else LC_ALL, LC_MESSAGES or "
    "LANG when it names Chinese, else en)"
)

#: (zh, en): every help sentence of the command line, with argparse's own.
HELP: tuple[tuple[str, str], ...] = (
    # argparse's own
    ("显示此帮助信息并退出", "show this help message and exit"),
    # the levels of detail and the program list's JSON
    (
        "summary：合计及其依据（区间、来源可信度、续期、未提供的信息、解读）；awards：另列每个有或可能有"
        "补贴的项目及其来源；full（默认）：全部内容（文本与 JSON）",
        "summary: the totals and what they rest on (range, confidence, renewal, open facts, "
        "assumptions); awards: and each program that pays or may pay, with its sources; full "
        "(default): everything (text and json)",
    ),
    ("同 --detail summary", "the same as --detail summary"),
    (
        "json：{generator, as_of, programs: [每个规则文件一个对象]}",
        "json: {generator, as_of, programs: [one object per rule file]}",
    ),
    (
        "与 --output estimate 同用：`estimate --detail` 写出的文档（默认 full）",
        "with --output estimate: the document `estimate --detail` writes (default: full)",
    ),
    ("显示程序版本号并退出", "show program's version number and exit"),
    # the program and its commands
    (
        "中国人工智能算力补贴项目会向申请主体支付多少，以及为什么。",
        "What Chinese AI compute-subsidy programs would pay an applicant, and why.",
    ),
    (
        "使用 DIR 中的规则文件，而不是内置规则",
        "use the rule files in DIR instead of the bundled ones",
    ),
    (
        "按档案（YAML 或 JSON）估算每个项目",
        "estimate every program for a profile (YAML or JSON)",
    ),
    (
        "为估算写一份独立的 HTML 报告，或加 --compare 写一份在哪里注册的报告（可打印为 A4 PDF）",
        "write a self-contained HTML report of an estimate, or with --compare of where to "
        "register (prints to A4 PDF)",
    ),
    (
        "为一份计划比较各地区：在那里注册各能获得多少",
        "compare places for a plan: what each would pay if you registered there",
    ),
    ("列出项目", "list the programs"),
    (
        "介绍一个项目，及其来源和待确认之处",
        "describe one program with its sources and open points",
    ),
    ("校验规则文件并运行其示例", "validate rule files and run their examples"),
    (
        "读回估算的 JSON 并按规则核对：除非它与规则对其档案给出的结果完全一致，否则以状态 2 退出",
        "read an estimate's JSON back and check it against the rules: exit 2 unless it is "
        "exactly what they give for its profile",
    ),
    (
        "输出规则文件、档案、估算或地区比较的 JSON Schema",
        "print the JSON Schema of rule files, profiles, estimates or comparisons",
    ),
    (
        "以模型上下文协议（MCP）服务的形式，通过标准输入输出为 AI 智能体提供工具"
        "（需要 mcp 扩展：pip install 'aivoucher[mcp]'；见 docs/agents.md）",
        "serve the tools for AI agents over stdio, as a Model Context Protocol server "
        "(needs the mcp extra: pip install 'aivoucher[mcp]'; docs/agents.md)",
    ),
    # arguments and options
    (
        "档案文件（YAML 或 JSON；- 表示标准输入）",
        "profile file (YAML or JSON; - for standard input)",
    ),
    ("知识截止日期（默认今天）", "date of knowledge (default: today)"),
    (
        "汇率，以每单位外币折合人民币计（HKD=0.92），并入画像的 fx：以画像金额以外币种支付的项目，"
        "只有给出汇率才能计算（可重复）",
        "an exchange rate in yuan per unit of another currency (HKD=0.92), added to the "
        "profile's fx: programs paying in another currency than the profile's amounts are "
        "judged only with one (repeatable)",
    ),
    (
        "把在项目最后一个已知版本到期后签订的采购也计入，假定项目按原条件续期（列为假设）",
        "count purchases signed after a program's last known version ends, as if it were "
        "renewed on the same terms (listed as an assumption)",
    ),
    (
        "输出语言，zh 或 en（默认取 AIVOUCHER_LOCALE；未设置时，若 LC_ALL、LC_MESSAGES 或 "
        "LANG 指明中文则为 zh；否则为 en）",
        LOCALE_HELP,
    ),
    ("要写入的 Excel 工作簿（--format xlsx）", "the Excel workbook to write (--format xlsx)"),
    (
        "列出每个项目及其计算步骤、原因和假设",
        "every program with its steps, reasons and assumptions",
    ),
    ("合计，以及每个会支付的项目一行", "the total and one line per program that pays"),
    (
        "同时列出未生效的项目（草案、已被取代的版本）",
        "also report programs not in force (drafts, superseded)",
    ),
    ("仅此项目（可重复）", "only this program (repeatable)"),
    (
        "采用规则文件作为选项提供的某种解读（可重复；`aivoucher programs` 会列出）",
        "switch on a reading a rule file offers as an option (repeatable; "
        "`aivoucher programs` lists them)",
    ),
    (
        "把档案当作计划比较各地区（忽略其城市）：列出地区排名，并对领先的几个说明金额的依据、"
        "需要查明的事项和需要准备的材料",
        "compare places for the profile as a plan (its city is ignored): the ranked places, "
        "and for the leading ones what the figure rests on, what to find out and what to prepare",
    ),
    ("与 --compare 同用：仅这些城市或省份", "with --compare: only these cities or provinces"),
    (
        "只按来源至少达到此可信度的奖励排名（official > copy > report > seed）；其余列为未计入",
        "rank only on awards whose sources are at least this strong (official > copy > "
        "report > seed); the others are listed as left out",
    ),
    ("要写入的 HTML 文件", "the HTML file to write"),
    ("同 estimate", "as for estimate"),
    (
        "计划：一份档案（YAML 或 JSON；忽略其城市）",
        "plan: a profile (YAML or JSON; its city is ignored)",
    ),
    (
        "仅这些城市或省份（以逗号分隔）",
        "only these cities or provinces (comma-separated)",
    ),
    (
        "列出每个地区的每项奖励、缺失的事实和备注（文本）",
        "every place with each award, its missing facts and notes (text)",
    ),
    ("仅此城市或省份（拼音或中文）", "only this city or province (pinyin or Chinese)"),
    (
        "标出最后一个已知版本在此日期前已结束的项目（默认今天）",
        "flag programs whose last known version ended before this date (today)",
    ),
    (
        "项目编号，或其中文或英文名称（训力券）",
        "the program's id, or its Chinese or English name (训力券)",
    ),
    ("规则目录（默认内置规则）", "rule directory (default: the bundled rules)"),
    ("估算的 JSON（- 表示标准输入）", "the estimate JSON (- for standard input)"),
    (
        "text：估算摘要（默认）；json：估算的 JSON",
        "text: the estimate's summary (default); json: the estimate's JSON",
    ),
    (
        "rules：规则文件的格式（默认）；profile：档案约定；estimate、comparison、programs："
        "相应命令加 --format json 时写出的 JSON；error：JSON 格式的错误",
        "rules: the rule-file schema (default); profile: the profile contract; estimate, "
        "comparison and programs: the JSON `estimate`, `compare` and `programs` write with "
        "--format json; error: the JSON error document",
    ),
)

#: argparse's headings, set on each parser's groups in Chinese.
HEADINGS = {"positional": "位置参数", "options": "选项"}

_ZH = {en: zh for zh, en in HELP}


class _ChineseFormatter(argparse.HelpFormatter):
    """argparse's formatter with ``用法：`` for ``usage:``, wrapping by terminal columns (a
    Chinese character takes two; argparse counts characters, so its lines would overflow)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        from .render.width import wrap  # only for help in Chinese: the command starts fast

        return wrap(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        from .render.width import wrap

        return "\n".join(wrap(" ".join(text.split()), width, indent))

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """``parser`` and, depth first, its subcommands' parsers."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def _actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    """Every action whose help a reader sees: options, arguments and the commands' lines."""
    for action in parser._actions:
        yield action
        if isinstance(action, argparse._SubParsersAction):
            yield from action._choices_actions


def help_texts(parser: argparse.ArgumentParser) -> list[str]:
    """Every help sentence of ``parser`` and its subcommands (the descriptions too)."""
    found: list[str] = []
    for each in _parsers(parser):
        texts = [each.description] + [a.help for a in _actions(each)]
        found += [t for t in texts if t and t != argparse.SUPPRESS and t not in found]
    return found


def localize(parser: argparse.ArgumentParser, locale: str) -> None:
    """Put ``parser`` (and its subcommands' parsers) in ``locale``: in ``zh`` every help
    sentence, heading and the usage prefix in Chinese; in ``en`` nothing changes. A sentence
    without a pair in :data:`HELP` stays in English (a test forbids it)."""
    if locale != "zh":
        return
    for each in _parsers(parser):
        each.formatter_class = _ChineseFormatter
        each._positionals.title = HEADINGS["positional"]
        each._optionals.title = HEADINGS["options"]
        if each.description:
            each.description = _ZH.get(each.description, each.description)
        for action in _actions(each):
            if action.help and action.help != argparse.SUPPRESS:
                action.help = _ZH.get(action.help, action.help)
