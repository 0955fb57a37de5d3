"""Typed exceptions, each with a stable ``code``.

Every error the library raises for bad input is an :class:`InputError` that knows where the
problem is (``file``, ``line``, ``field``) and renders as one line::

    rules/shenzhen/x.yaml:12: caps[0].amount: not an amount: '12 bananas'

``code`` names the kind of problem (``profile.unknown_field``, ``amount.too_large``); tools
branch on it, never on the wording. :data:`CODES` is the one table of codes (docs/errors.md
lists them). ``errors`` holds every problem found in the input, each a located
:class:`InputError` of its own; the exception itself describes the first and its ``str`` adds
the others on the same line.

The CLI prints that line and exits with status 2; Python callers catch the typed exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from .base.visible import visible

__all__ = [
    "CODES",
    "AivoucherError",
    "AmountError",
    "EstimateError",
    "InputError",
    "MissingDependencyError",
    "ProfileError",
    "RuleFileError",
    "TableError",
    "UnknownCityError",
    "UnknownProgramError",
    "YamlError",
    "error_dict",
    "error_line",
    "halves",
    "said",
    "said_zh",
]

#: Every error code, with its meaning. A test keeps this table, the codes the library raises
#: and docs/errors.md in step.
CODES: dict[str, str] = {
    "input.invalid": "bad input that no more specific code describes",
    "cli.usage": "the command line itself is wrong: an unknown option, a missing argument",
    "document.unreadable": "the file cannot be read (missing, a directory, no permission)",
    "document.too_large": "the document is larger than the limit (rule files 1 MiB, "
    "profiles 256 MiB)",
    "document.too_deep": "the document is nested deeper than the limit (32 levels)",
    "document.too_many_values": "the document holds more values than the limit",
    "document.encoding": "the document is not valid UTF-8",
    "document.forbidden": "a YAML construct that is refused: tags, anchors, aliases, merge "
    "keys, several documents, a non-scalar key, NaN or Infinity in JSON",
    "document.duplicate_key": "a mapping repeats a key",
    "document.nul_byte": "the document contains a NUL byte (it is not a text file)",
    "number.form": "a number YAML 1.1 would read as another number (octal 0500000, "
    "hexadecimal 0x10, sexagesimal 1:00:00, 1_000): write plain decimal digits",
    "number.too_long": "a number with more digits than any amount, rate or count needs (40)",
    "yaml.malformed": "the text is not well-formed YAML",
    "json.malformed": "the text is not well-formed JSON",
    "amount.invalid": "not an amount in a notation the library reads",
    "amount.negative": "a negative amount",
    "amount.too_large": "an amount above the supported maximum, 1万亿 (10^12) yuan",
    "amount.sub_fen": "an amount with fractions of a fen (0.01 yuan)",
    "rate.invalid": "not a rate, or a rate outside 0–100%",
    "date.invalid": "not a date in an accepted form",
    "date.too_vague": "so many dates given as months or quarters that covering each day that "
    "can matter would take more than 4,096 estimates: give the day of some of them",
    "fx.invalid": "an exchange rate that is not a number between 0.0001 and 10000 yuan per "
    "unit, names a currency other than HKD, or is written for CNY itself",
    "city.unknown": "a city or province the jurisdiction table does not know",
    "profile.invalid": "a profile value of the wrong type or not among the allowed values",
    "profile.unknown_field": "a field the profile contract does not define",
    "profile.missing_field": "a required profile field is missing",
    "rules.invalid": "a rule-file value of the wrong type or not among the allowed values",
    "rules.unknown_field": "a field the rule-file schema does not define",
    "rules.missing_field": "a required rule-file field is missing",
    "rules.unknown_reference": "a rule file names a source, assumption, switch or "
    "qualification it does not declare, or a stacking relation names a program no rule file "
    "in the set defines",
    "rules.duplicate_id": "an id declared twice: a program (and version) in two rule files, or "
    "a source, ambiguity, switch or qualification within one file",
    "rules.file_name": "a rule file's name does not match its id and version",
    "rules.not_a_directory": "the rule directory does not exist or is not a directory",
    "rules.empty": "the rule directory holds no rule file",
    "rules.missing": "the bundled rule files are missing from the installation",
    "rules.digest_mismatch": "a pickled rule set (or an estimate made with one) refers to "
    "bundled rules other than this installation's: a process pool mixes aivoucher versions",
    "rules.versions_overlap": "two published versions of one program whose effective periods "
    "(or the contract signing dates they cover) overlap, so one purchase would be paid by both",
    "rules.self_stacking": "a program declares a stacking relation with itself",
    "program.unknown": "no loaded rule file defines this program id",
    "program.ambiguous": "a program name matches several programs",
    "switch.unknown": "an assumption to switch on that no rule file offers",
    "qualification.unknown": "a qualification no rule file defines",
    "locale.unsupported": "a locale other than zh and en",
    "estimate.invalid": "text that is not an estimate in the JSON contract",
    # Estimate.from_json refuses a document that is not what the rules give (docs/json.md)
    "estimate.schema_version": "an estimate's JSON of a schema_version this version does not "
    "read (it reads the integers 2 and 3)",
    "estimate.too_large": "an estimate's JSON with more awards than the rule set can give, more "
    "purchases than 1,000,000, or more notes than its awards allow",
    "estimate.bounds": "an estimate's JSON with a low amount above its high one (an award's or "
    "the totals)",
    "estimate.duplicate_award": "an estimate's JSON listing one program version's award twice",
    "estimate.totals": "an estimate's JSON whose totals are not its awards added up as the rule "
    "files stack them",
    "estimate.inconsistent": "an estimate's JSON whose awards, trace, reasons or notes are not "
    "what the rules give for its profile and date (altered, or made with other rules)",
    "output.unwritable": "the file to write (a report) cannot be written",
    "table.invalid": "a batch table with a column of the wrong type, named twice or missing "
    "(a value the profile contract refuses keeps the code a profile gets for it)",
    "table.ambiguous": "a batch table that names one field twice, in two spellings "
    "(applicant.kind and applicant__kind) or through the columns mapping",
    "fact.unknown": "a fact to vary that the profile contract does not define",
    "dependency.missing": "an optional dependency the call needs is not installed",
    "rules.control_character": "a rule file's name or text holds a control character (a line "
    "break, a tab, a terminal escape sequence, a bidirectional override)",
    "limit.exceeded": "a call or command line past a documented limit (amounts of a sweep, "
    "combinations of vary, place names, command-line arguments)",
    "places.empty": "a list of places that names no place (--places , or places=[])",
    "output.is_input": "the file to write is one of the command's inputs (the profile)",
    # the MCP server's tools (aivoucher.agents, docs/agents.md)
    "mcp.arguments": "a tool call's arguments that the tool does not take: an unknown "
    "argument, a required one missing, a value of the wrong JSON type",
    "mcp.unknown_tool": "a tool call naming a tool the MCP server does not offer",
    "mcp.unknown_resource": "a resource the MCP server does not offer",
    "output.option": "--format xlsx without -o FILE (a workbook is not printed), or -o with a "
    "format that is printed",
}

#: How many further problems ``str()`` lists after the first (``errors`` keeps them all).
SHOWN = 5


class AivoucherError(Exception):
    """Base class of every exception aivoucher raises on purpose.

    ``code`` is stable (see :data:`CODES`); each class has a default that a raise site may
    refine. ``errors`` lists every problem found, each a located :class:`InputError`.
    """

    default_code: ClassVar[str] = "input.invalid"

    def __init__(self, message: str, *, code: str | None = None, zh: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        #: the message in Chinese where the raise site gives it (``message`` is then English)
        self.zh = zh
        self.suggestions: tuple[str, ...] = ()
        self._errors: tuple[InputError, ...] = ()

    @property
    def errors(self) -> tuple[InputError, ...]:
        if self._errors:
            return self._errors
        return (self,) if isinstance(self, InputError) else ()

    def __str__(self) -> str:
        # one line, no control character obeyed, whatever a value quoted in it holds
        return visible(self.message)


class InputError(AivoucherError, ValueError):
    """Bad input: a value, a profile or a rule file that cannot be used.

    ``file`` is the path or name of the document, ``line`` its 1-based line when known, and
    ``field`` the dotted path of the offending value (``purchases[0].amount``).
    ``suggestions`` are the close matches of an unknown name ("did you mean …").
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        code: str | None = None,
        suggestions: Iterable[str] = (),
        errors: Iterable[InputError] = (),
        zh: str | None = None,
    ) -> None:
        super().__init__(message, code=code, zh=zh)
        self.file = file
        self.line = line
        self.field = field
        self.suggestions = tuple(suggestions)
        found = tuple(errors)
        # a single problem is its own list; only several get a tuple of their own
        self._errors = found if len(found) > 1 else ()

    def located(
        self, *, file: str | None = None, line: int | None = None, field: str | None = None
    ) -> InputError:
        """Fill in location details that were not known where the error was raised."""
        if self.file is None:
            self.file = file
        if self.line is None:
            self.line = line
        if self.field is None:
            self.field = field
        for other in self._errors:
            if other.file is None:
                other.file = file
        return self

    def _where(self) -> str:
        if self.file is not None:
            return self.file + (f":{self.line}" if self.line is not None else "") + ": "
        if self.line is not None:
            return f"line {self.line}: "
        return ""

    def problem(self) -> str:
        """The field and the message, without the file: ``purchases[0].amount: not an …``."""
        return f"{self.field}: {self.message}" if self.field else self.message

    def __str__(self) -> str:
        text = self._where() + self.problem()
        more = self._errors[1:]
        if more:
            shown = "; ".join(e.problem() for e in more[:SHOWN])
            rest = "; …" if len(more) > SHOWN else ""
            text += f"; and {len(more)} more: {shown}{rest}"
        # one line whatever a document's keys or values hold, with no control character obeyed
        return visible(text)


class AmountError(InputError):
    """A money amount or a rate that cannot be parsed or is out of range."""

    default_code = "amount.invalid"


class YamlError(InputError):
    """A YAML or JSON document that is malformed or uses a forbidden construct."""

    default_code = "yaml.malformed"


class ProfileError(InputError):
    """An applicant profile that does not follow the profile contract."""

    default_code = "profile.invalid"


class RuleFileError(InputError):
    """A rule file that does not follow the rule-file schema."""

    default_code = "rules.invalid"


class UnknownCityError(InputError):
    """A city or province name that is not in the jurisdiction table."""

    default_code = "city.unknown"


class UnknownProgramError(InputError, KeyError):
    """A program id that no loaded rule file defines (also a ``KeyError``, which
    :meth:`Estimate.award <aivoucher.vocabulary.result.Estimate.award>` raised before)."""

    default_code = "program.unknown"


class TableError(InputError):
    """A table given to :mod:`aivoucher.batch` with a column of the wrong type, a value outside
    the profile contract, or a required column missing; ``field`` names the column and ``row``
    the first offending row (its position, from 0), where one row is at fault.

    A value the profile contract refuses keeps the code a profile gives it (``date.invalid``,
    ``amount.negative`` …); problems of the table itself are ``table.invalid``."""

    default_code = "table.invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        row: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(
            f"row {row}: {message}" if row is not None else message, field=field, code=code
        )
        self.row = row


class MissingDependencyError(AivoucherError, ImportError):
    """An optional dependency a feature needs is not installed: pandas or matplotlib
    (``pip install 'aivoucher[notebook]'``), numpy (``pip install 'aivoucher[batch]'``)."""

    default_code = "dependency.missing"

    def __init__(self, message: str, *, package: str | None = None) -> None:
        super().__init__(message)
        self.package = package

    def __str__(self) -> str:
        return visible(self.message)


class EstimateError(InputError):
    """Text that is not an estimate in the JSON contract (:meth:`Estimate.from_json
    <aivoucher.vocabulary.result.Estimate.from_json>`)."""

    default_code = "estimate.invalid"


def _entry(error: InputError) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": error.code,
        "message": error.message,
        "file": error.file,
        "line": error.line,
        "field": error.field,
    }
    if error.suggestions:
        out["suggestions"] = list(error.suggestions)
    return out


def error_dict(error: AivoucherError) -> dict[str, Any]:
    """The JSON form of an error (``aivoucher … --format json`` writes it on standard error):
    the first problem's code, message and location, and every problem in ``errors``."""
    if isinstance(error, InputError):
        head = _entry(error)
        head["errors"] = [_entry(e) for e in error.errors]
    else:
        head = {"code": error.code, "message": error.message, "file": None, "line": None}
        head.update(field=None, errors=[])
    return {"error": head}


# -- the same errors in Chinese ----------------------------------------------------------------
# The command line prints an error in its locale (docs/errors.md, "In Chinese"): this table
# gives each code one short Chinese sentence; a test keeps it in step with CODES.

#: Every error code, in Chinese: what the command line prints first in the zh locale.
CODES_ZH: dict[str, str] = {
    "input.invalid": "输入有误",
    "cli.usage": "命令行有误",
    "document.unreadable": "无法读取文件",
    "document.too_large": "文件超过大小上限",
    "document.too_deep": "文件嵌套层级超过上限",
    "document.too_many_values": "文件所含的值超过数量上限",
    "document.encoding": "文件不是有效的 UTF-8 文本",
    "document.forbidden": "文件使用了不允许的 YAML 写法",
    "document.duplicate_key": "同一映射中有重复的键",
    "document.nul_byte": "文件含有 NUL 字节，不是文本文件",
    "number.form": "数字写法会被 YAML 读成另一个数，请只写十进制数字",
    "number.too_long": "数字位数过多",
    "yaml.malformed": "YAML 格式有误",
    "json.malformed": "JSON 格式有误",
    "amount.invalid": "无法识别的金额",
    "amount.negative": "金额不能为负数",
    "amount.too_large": "金额超过支持的上限 1万亿元",
    "amount.sub_fen": "金额不能有不足一分的零头",
    "rate.invalid": "比例无效或不在 0–100% 之间",
    "date.invalid": "日期无效",
    "date.too_vague": "只写了月份或季度的日期过多，逐日估算将超过 4,096 次："
    "请为其中一些写明具体日期",
    "fx.invalid": "汇率须为每单位外币折合 0.0001 至 10000 元人民币的数字，"
    "币种为 HKD，且不能为 CNY 本身",
    "city.unknown": "未知的城市或省份",
    "profile.invalid": "档案中的值类型不对或不在允许范围内",
    "profile.unknown_field": "档案约定中没有这个字段",
    "profile.missing_field": "档案缺少必填字段",
    "rules.invalid": "规则文件中的值类型不对或不在允许范围内",
    "rules.unknown_field": "规则文件格式中没有这个字段",
    "rules.missing_field": "规则文件缺少必填字段",
    "rules.unknown_reference": "规则文件引用了未声明的来源、假设、开关、资质或项目",
    "rules.duplicate_id": "编号重复声明",
    "rules.file_name": "规则文件名与其编号和版本不符",
    "rules.not_a_directory": "规则目录不存在或不是目录",
    "rules.empty": "规则目录中没有规则文件",
    "rules.missing": "安装中缺少内置规则文件",
    "rules.digest_mismatch": "规则集来自与本安装不同的内置规则",
    "rules.versions_overlap": "同一项目的两个版本有效期重叠",
    "rules.self_stacking": "项目声明了与自身的叠加关系",
    "program.unknown": "没有规则文件定义这个项目",
    "program.ambiguous": "这个名称对应多个项目",
    "switch.unknown": "没有规则文件提供这个可选解读",
    "qualification.unknown": "没有规则文件定义这项资质",
    "locale.unsupported": "不支持的语言（请用 zh 或 en）",
    "estimate.invalid": "不是符合 JSON 约定的估算",
    "estimate.schema_version": "估算 JSON 的 schema_version 本版本无法读取",
    "estimate.too_large": "估算 JSON 的奖励、采购或备注数量超过上限",
    "estimate.bounds": "估算 JSON 中的下限高于上限",
    "estimate.duplicate_award": "估算 JSON 重复列出同一项目版本的奖励",
    "estimate.totals": "估算 JSON 的合计与各项奖励按叠加规则相加的结果不符",
    "estimate.inconsistent": "估算 JSON 与规则对其档案和日期给出的结果不符",
    "output.unwritable": "无法写入输出文件",
    "table.invalid": "批量表格的列类型不对、重复或缺失",
    "table.ambiguous": "批量表格以两种写法给出了同一字段",
    "fact.unknown": "档案约定中没有这个可变事实",
    "dependency.missing": "缺少所需的可选依赖",
    "rules.control_character": "规则文件的名称或文字含有控制字符",
    "limit.exceeded": "超出了文档规定的上限",
    "places.empty": "地区列表中没有任何地区",
    "output.is_input": "输出文件是本命令的输入文件",
    "mcp.arguments": "工具调用的参数有误",
    "mcp.unknown_tool": "MCP 服务没有这个工具",
    "mcp.unknown_resource": "MCP 服务没有这个资源",
    "output.option": "--format xlsx 与 -o 须同用",
}

#: A character of Chinese text: CJK ideographs and the full-width punctuation around them.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
#: A value a message quotes (a name, an id, a path), in whatever language it is written.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _chinese_share(text: str) -> float:
    cjk = len(_CJK.findall(text))
    total = cjk + len(_LATIN.findall(text))
    return cjk / total if total else 0.0


def _balanced(text: str) -> bool:
    for opening, closing in ("()", "（）", "[]"):
        depth = 0
        for char in text:
            depth += (char == opening) - (char == closing)
            if depth < 0:
                return False
        if depth:
            return False
    return True


def halves(message: str) -> tuple[str, str] | None:
    """The (Chinese, English) halves of a bilingual message, ``"english / 中文"`` or
    ``"中文 / english"``; ``None`` for a message in one language.

    A split at `` / `` counts when, leaving out the values the message quotes, one side has
    Chinese words and the other none but English ones, and neither leaves a bracket open (an
    English sentence that quotes a bilingual name, ``(成都 算力券 / Compute voucher)``, is one
    message). Of several such splits, the one whose sides differ most in their share of
    Chinese."""
    best: tuple[float, str, str] | None = None
    for found in re.finditer(" / ", message):
        left, right = message[: found.start()].strip(), message[found.end() :].strip()
        if not (_balanced(left) and _balanced(right)):
            continue
        for zh, en in ((left, right), (right, left)):
            bare_zh, bare_en = _QUOTED.sub("", zh), _QUOTED.sub("", en)
            if len(_IDEOGRAPH.findall(bare_zh)) < 2 or _IDEOGRAPH.search(bare_en):
                continue
            if not _LATIN.search(bare_en):
                continue
            gap = _chinese_share(bare_zh) - _chinese_share(bare_en)
            if best is None or gap > best[0]:
                best = (gap, zh, en)
    return None if best is None else (best[1], best[2])


def said(error: AivoucherError, locale: str) -> str:
    """``error``'s message in ``locale`` (``zh`` or ``en``): the Chinese the raise site gave,
    or the matching half of a bilingual message; a message in one language as it is."""
    if error.zh is not None:
        return error.zh if locale == "zh" else error.message
    split = halves(error.message)
    if split is None:
        return error.message
    return split[0] if locale == "zh" else split[1]


def said_zh(error: AivoucherError) -> str:
    """``error`` in Chinese without its location: the code's sentence from :data:`CODES_ZH`,
    then the message (its Chinese half where it has one)."""
    return f"{CODES_ZH.get(error.code, CODES_ZH['input.invalid'])}：{said(error, 'zh')}"


def _problem(error: InputError, locale: str) -> str:
    message = said(error, locale)
    return f"{error.field}: {message}" if error.field else message


def error_line(error: AivoucherError, locale: str = "en") -> str:
    """The one line the command line prints for ``error`` in ``locale``.

    In English: ``error: `` and ``str(error)``, a bilingual message cut to its English half.
    In Chinese: ``错误：``, the code's sentence from :data:`CODES_ZH`, then the location and
    the message (its Chinese half where it has one)."""
    zh = locale == "zh"
    if not isinstance(error, InputError):
        text = said(error, locale)
        head = f"错误：{CODES_ZH.get(error.code, CODES_ZH['input.invalid'])}：" if zh else "error: "
        return visible(head + text)
    where = error._where()
    if zh and error.file is None and error.line is not None:
        where = f"第 {error.line} 行："
    text = where + _problem(error, locale)
    more = error.errors[1:]
    if more:
        if zh:
            shown = "；".join(
                f"{CODES_ZH.get(e.code, '')}：{_problem(e, locale)}" for e in more[:SHOWN]
            )
            text += f"；另有 {len(more)} 处：{shown}" + ("；…" if len(more) > SHOWN else "")
        else:
            shown = "; ".join(_problem(e, locale) for e in more[:SHOWN])
            text += f"; and {len(more)} more: {shown}" + ("; …" if len(more) > SHOWN else "")
    if zh:
        return visible(f"错误：{CODES_ZH.get(error.code, CODES_ZH['input.invalid'])}：{text}")
    return visible("error: " + text)
