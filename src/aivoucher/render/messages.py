"""Localised wording (zh, en) for results: labels of facts and values, reasons, assumptions,
steps. Formatting of numbers and money is babel's (:mod:`aivoucher.money`); this module only
chooses words. It does no arithmetic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .. import jurisdictions
from ..errors import InputError
from ..money import format_money, format_rate
from ..result import (
    Assumption,
    AssumptionCode,
    Award,
    Bounds,
    Reason,
    ReasonCode,
    StackingNote,
    Step,
    StepKind,
)
from ..schema import Program, Prose, Tier

__all__ = ["LOCALES", "Messages", "messages"]

LOCALES = ("zh", "en")

_FACTS = {
    "applicant.kind": ("申请主体类型", "applicant kind"),
    "applicant.city": ("注册地", "registered city"),
    "applicant.province": ("注册地所在省份", "registered province"),
    "applicant.sector": ("所属行业", "sector"),
    "applicant.sme": ("中小企业", "SME"),
    "applicant.startup": ("初创企业", "start-up"),
    "applicant.opc": ("一人公司（OPC）", "one-person company (OPC)"),
    "applicant.good_standing": ("无失信及重大处罚记录", "good standing"),
    "purchase.item": ("采购内容", "item"),
    "purchase.use": ("用途", "use"),
    "purchase.chip_origin": ("算力芯片来源", "chip origin"),
    "purchase.provider_city": ("服务商所在城市", "provider city"),
    "purchase.provider_province": ("服务商所在省份", "provider province"),
    "purchase.via_platform": (
        "通过指定平台或名单内服务商采购",
        "bought via the designated platform",
    ),
    "purchase.related_party": ("关联方交易", "related-party purchase"),
    "purchase.other_subsidy": ("已获同级财政其他资助", "already subsidised by the same government"),
    "purchase.signed": ("合同签订日期", "contract date"),
    "purchase.term": ("合同期限（年）", "contract term (years)"),
    "applicant.qualifications": ("资质", "qualification"),
    "year.contracts_total": ("年度合同累计金额", "the year's contracts in total"),
    "switch": ("可选假设", "switchable assumption"),
}

_VALUES = {
    "enterprise": ("企业", "enterprise"),
    "university": ("高等院校", "university"),
    "research_institute": ("科研机构", "research institute"),
    "software": ("软件和信息服务业", "software & IT services"),
    "manufacturing": ("制造业", "manufacturing"),
    "other": ("其他", "other"),
    "compute": ("算力", "compute"),
    "model": ("模型", "model"),
    "corpus": ("语料", "corpus"),
    "scenario": ("应用场景", "scenario"),
    "rnd": ("研发投入", "R&D"),
    "labeling": ("数据标注", "data labeling"),
    "training": ("训练", "training"),
    "inference": ("推理", "inference"),
    "domestic": ("国产", "domestic"),
    "foreign": ("非国产", "foreign"),
}

_CAP_PER = {
    "purchase": ("单个合同上限", "cap per purchase"),
    "tier": ("该档次上限", "cap of the rate tier"),
    "applicant_year": ("每个主体每自然年度上限", "cap per applicant per calendar year"),
    "applicant_total": ("每个主体累计上限", "cap per applicant over the program's life"),
}
_POOL = {
    "year": ("年度资金总额", "annual pool"),
    "program": ("资金总额（全周期）", "pool over the program's life"),
}
_STATUS = {
    "in_force": ("有效", "in force"),
    "draft": ("征求意见稿", "draft"),
    "superseded": ("已被取代", "superseded"),
    "expired": ("已失效", "expired"),
}
_CONFIDENCE = {
    "official": ("政府网站原文", "official site"),
    "copy": ("官方全文转载", "copy of the official text"),
    "report": ("新闻报道/二手摘要", "news report"),
    "seed": ("仅见于种子报道", "seed article only"),
}

_TEXT = {
    "header": ("估算基准日 {date}（币种：人民币）", "Estimate as of {date} (currency: CNY)"),
    "total": ("合计：{amount}", "Total: {amount}"),
    "conditional_heading": (
        "取决于资质声明、未计入合计的项目（{n}）",
        "Programs that turn on an undeclared qualification, not in the total ({n})",
    ),
    "maxima": (
        "说明：金额为规则允许的最高额——“不超过X%”“最高Y元”按获批申请人最多可得的比例与上限计算。",
        'Note: amounts are the most the rules allow: "不超过X%" and "最高Y元" are read as the '
        "rate and cap a successful applicant gets at most.",
    ),
    "eligible": ("符合条件", "eligible"),
    "ineligible": ("不符合条件", "not eligible"),
    "no_amount": ("无法计算金额", "no amount"),
    "fixed": ("定额 {amount}", "fixed award {amount}"),
    "at_most": ("不超过{value}", "at most {value}"),
    "years": ("{n}年", "{n} year(s)"),
    "reasons": ("原因", "Reasons"),
    "assumptions": ("假设", "Assumptions"),
    "missing": ("缺少的信息", "Missing facts"),
    "steps": ("计算过程", "Steps"),
    "renewal_heading": (
        "取决于政策延续、未计入合计的项目（{n}）：合同签订于已知最后版本截止之后",
        "Depends on renewal, not in the total ({n}): contracts signed after the last known "
        "version ends",
    ),
    "compare.header": (
        "测算基准日 {date}：按计划采购 {spend} 比较 {n} 个地区（在各地注册的情形）",
        "As of {date}: {n} places compared for a plan of {spend} (registered in each place)",
    ),
    "compare.line": ("{label}：{text}", "{label}: {text}"),
    "compare.program": ("{name}（{id}）", "{name} ({id})"),
    "compare.row": ("{total}，实际补贴比例 {rate}", "{total}, effective rate {rate}"),
    "compare.whole_province": (
        "{province}（无本市项目的城市）",
        "{province} (cities without a program of their own)",
    ),
    "compare.not_counted": ("（未计入合计）", " (not in the total)"),
    "compare.missing": (
        "缺少的信息（区间因此放宽）：{fields}",
        "missing facts (they widen the range): {fields}",
    ),
    "compare.note.expires": ("{program} 有效期至{date}", "{program} ends on {date}"),
    "compare.note.renewal": (
        "{program} 已于{date}到期：该项金额取决于政策延续，未计入合计",
        "{program} ends on {date}: this award depends on renewal and is not in the total",
    ),
    "compare.note.renewal_assumed": (
        "{program} 于{date}到期：按假设延续计入合计",
        "{program} ends on {date}: counted as if renewed (an assumption)",
    ),
    "grid.header": ("假设分析：{facts}（{n}种组合）", "What-if: {facts} ({n} cases)"),
    "narrow.heading": (
        "哪项信息最能缩小区间（按最不利答案下的区间宽度排序）：",
        "What narrows the range most (ranked by the widest range any answer leaves):",
    ),
    "narrow.fact": ("声明 {field}", "declare {field}"),
    "narrow.line": ("{fact}：{answers}", "{fact}: {answers}"),
    "narrow.answer": ("{value} → {total}（下限{low}）", "{value} → {total} (low end {low})"),
    "compare.col.rank": ("排名", "Rank"),
    "compare.col.place": ("地区", "Place"),
    "compare.col.total": ("补贴合计", "Total"),
    "compare.col.rate": ("实际补贴比例", "Effective rate"),
    "compare.col.programs": ("项目", "Programs"),
    "compare.col.missing": ("缺少的信息", "Missing facts"),
    "not_eligible_heading": ("不符合条件的项目（{n}）", "Programs not eligible ({n})"),
    "no_amount_heading": ("未公布金额规则的项目（{n}）", "Programs with no published amount ({n})"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "unknown": ("未知", "unknown"),
    "one_of": ("{values}之一", "one of {values}"),
    "on_or_after": ("{date}及以后", "on or after {date}"),
    "on_or_before": ("{date}及以前", "on or before {date}"),
    "between": ("{start}至{end}", "between {start} and {end}"),
    "open_window": ("{start}起（未定截止日期）", "from {start}, open-ended"),
    # reasons
    ReasonCode.CONDITION_FAILED: (
        "{fact}为{actual}，本项目要求{expected}",
        "{fact} is {actual}; the program requires {expected}",
    ),
    ReasonCode.CONDITION_UNKNOWN: (
        "未提供{fact}，本项目要求{expected}（金额区间涵盖两种情况）",
        "{fact} is not given; the program requires {expected} (the range covers both answers)",
    ),
    ReasonCode.NOT_IN_FORCE: (
        "{as_of}不在有效期内（状态：{status}；有效期{window}）",
        "not in force on {as_of} (status: {status}; effective {window})",
    ),
    ReasonCode.NO_PURCHASES: ("未列出任何采购", "the profile lists no purchases"),
    ReasonCode.NO_QUALIFYING_PURCHASE: ("没有符合条件的采购", "no purchase qualifies"),
    ReasonCode.NO_RATE_TIER: ("没有适用的补贴比例档次", "no rate tier applies"),
    ReasonCode.RATE_UNPUBLISHED: ("补贴比例未公布：{text}", "rate not published: {text}"),
    ReasonCode.MORE_EXCLUDED: (
        "另有{count}笔采购不符合条件（不逐一列出）",
        "{count} more purchases do not qualify (not itemised)",
    ),
    ReasonCode.OTHER_VERSION: (
        "合同签订于{actual}，不在本版本有效期{window}内，适用其他版本",
        "signed {actual}, outside this version's period {window}: another version applies",
    ),
    ReasonCode.BEFORE_EFFECTIVE: (
        "合同签订于{actual}，早于本项目生效日{date}，不在支持范围内",
        "signed {actual}, before the program took effect on {date}: not covered",
    ),
    ReasonCode.AFTER_END: (
        "合同签订于{actual}，晚于本项目已知最后版本的截止日{date}：取决于政策是否延续",
        "signed {actual}, after the last known version ends on {date}: depends on renewal",
    ),
    AssumptionCode.RENEWAL: (
        "假设本项目在{date}到期后按原条件延续（尚无延续文件）",
        "assumed: the program is renewed on the same terms after it ends on {date} (no renewal "
        "is published)",
    ),
    ReasonCode.BELOW_MINIMUM: (
        "金额{actual}低于最低申领额{expected}，不予支持",
        "{actual} is below the minimum award of {expected}, so nothing is paid",
    ),
    AssumptionCode.ASSUMED_MET: (
        "未提供{field}：按规则文件的假设视为符合条件",
        "{field} is not given: taken as meeting the condition, as the rule file assumes",
    ),
    AssumptionCode.ASSUMED_NOT_MET: (
        "未提供{field}：按规则文件的假设视为不符合条件",
        "{field} is not given: taken as not meeting the condition, as the rule file assumes",
    ),
    AssumptionCode.SWITCH: (
        "已启用可选假设 {name}：{text}",
        "assumption {name} switched on: {text}",
    ),
    # assumptions
    AssumptionCode.MISSING_FACT: (
        "未提供{field}：金额区间涵盖两种情况",
        "{field} is not given: the range covers both answers",
    ),
    AssumptionCode.SETTLED_FROM_CONTRACT: (
        "未提供实际结算金额，按合同金额计算",
        "no settled amount given: the contract amount is used",
    ),
    AssumptionCode.SETTLED_UNKNOWN: (
        "未提供实际结算金额，区间下限按0计算",
        "no settled amount given: the range runs from 0 to the contract amount",
    ),
    # steps
    "step.condition": (
        "条件 {fact}：{actual}（要求{expected}）",
        "condition {fact}: {actual} (required: {expected})",
    ),
    "step.base.contract": ("计算基数：合同金额 {amount}", "base: contract amount {amount}"),
    "step.base.settled": ("计算基数：实际结算金额 {amount}", "base: settled amount {amount}"),
    "step.rate": ("补贴比例 {rate}", "rate {rate}"),
    "step.rate.ceiling": ("（不超过比例上限 {rate}）", " (ceiling {rate})"),
    "step.amount": ("{base} × {rate} = {amount}", "{base} × {rate} = {amount}"),
    "step.cap.binding": ("{label} {cap}：{before} → {after}", "{label} {cap}: {before} → {after}"),
    "step.cap.free": ("{label} {cap}：未触及", "{label} {cap}: not reached"),
    "step.year": ("{year}年度合计（{n}笔采购）：{amount}", "{year}: {n} purchase(s), {amount}"),
    "step.support_years": (
        "资助期限不超过{count}年（{years}）：{before} → {after}",
        "support for at most {count} years ({years}): {before} → {after}",
    ),
    "step.total": ("合计：{amount}", "total: {amount}"),
    "tier.first_years": (
        "仅限服务期的前{years}年，其余按下一档",
        "first {years} year(s) of the service period only, the rest at the next tier",
    ),
    "step.first_years": (
        "{rate}仅适用于服务期的前{years}年（合同{days}天中的{inside}天），"
        "其余部分按{rest}：{before} → {after}",
        "{rate} for the first {years} year(s) of the service period only ({inside} of the "
        "contract's {days} days), the rest at {rest}: {before} → {after}",
    ),
    "step.first_years.unknown": (
        "{rate}仅适用于服务期的前{years}年；未提供服务起止日期，"
        "区间从全部按{rest}到全部按{rate}：{before} → {after}",
        "{rate} for the first {years} year(s) of the service period only; service dates not "
        "given, so the range runs from {rest} to {rate} on the whole contract: {before} → {after}",
    ),
    "stacking.unknown": (
        "{programs} 均计入采购 {purchases}，叠加规则未明确：合计下限只计其中最高一项，上限全部计入",
        "{programs} all count purchase {purchases} and no text says whether they stack: the "
        "total counts the largest award at the low end and all of them at the high end",
    ),
    "stacking.exclusive": (
        "{a} 与 {b} 不可叠加（采购 {purchases}）：合计只计较高一项",
        "{a} and {b} are exclusive for purchase {purchases}: the total counts the larger award",
    ),
    "stacking.stackable": (
        "{a} 与 {b} 可叠加（采购 {purchases}）{ceiling}",
        "{a} and {b} stack on purchase {purchases}{ceiling}",
    ),
    "stacking.ceiling": ("，合计比例不超过{rate}", ", up to {rate} combined"),
    "stacking": ("叠加", "Stacking"),
    "uncounted": (
        "未计入合计（取决于未声明的资质或未说明的算力来源地）：{programs}",
        "Not in the total (they turn on a qualification the profile does not declare or on "
        "where compute comes from, which it does not say): {programs}",
    ),
    "step.proration": (
        "按基准期{start}至{end}折算：合同{days}天中{inside}天在期内，{before} → {after}",
        "prorated to the base period {start} – {end}: {inside} of the contract's {days} days, "
        "{before} → {after}",
    ),
    "step.proration.unknown": (
        "按基准期{start}至{end}折算：合同起止日期未提供，{before} → {after}",
        "prorated to the base period {start} – {end}: contract dates not given, {before} → {after}",
    ),
    "step.minimum": (
        "最低申领额 {minimum}：{before} → {after}",
        "minimum award {minimum}: {before} → {after}",
    ),
    "step.minimum.free": ("最低申领额 {minimum}：已达到", "minimum award {minimum}: met"),
    "step.lump_sum": ("定额奖励 {amount}", "fixed award {amount}"),
    "step.allocation": ("按签订顺序分配：{shares}", "shared out in signing order: {shares}"),
    "allocation.exhausted": (
        "（上限已被先签订的合同用尽）",
        " (the limit was used up by earlier contracts)",
    ),
    "step.uncertain": (
        "资格取决于未提供的信息：下限 {before} → {after}",
        "eligibility turns on a missing fact: {before} → {after}",
    ),
    "step.rounding": (
        "取整（{unit}，{mode}）：{before} → {after}",
        "rounding ({unit}, {mode}): {before} → {after}",
    ),
    "unit.fen": ("到分", "to the fen"),
    "unit.yuan": ("到元", "to the yuan"),
    "unit.wan": ("万元保留{places}位小数", "万元 to {places} decimals"),
    "mode.half_up": ("四舍五入", "half-up"),
    "mode.truncate": ("直接舍去", "truncated"),
}


class Messages:
    """Wording for one locale (``zh`` or ``en``)."""

    def __init__(self, locale: str) -> None:
        if locale not in LOCALES:
            raise InputError(
                f"unsupported locale {locale!r} (use zh or en)",
                field="locale",
                code="locale.unsupported",
            )
        self.locale = locale
        self._i = 0 if locale == "zh" else 1
        self._sep = "、" if locale == "zh" else ", "

    @property
    def sep(self) -> str:
        """The list separator of this locale (``、`` or ``, ``)."""
        return self._sep

    def text(self, key: Any, **values: Any) -> str:
        return str(_TEXT[key][self._i]).format(**values)

    def prose(self, value: Prose | str | None) -> str:
        """A rule file's bilingual text in this locale (plain strings are English only)."""
        if value is None:
            return ""
        return value if isinstance(value, str) else value.text(self.locale)

    # -- values ------------------------------------------------------------------------------

    def money(self, amount: Decimal) -> str:
        """``480万（¥4,800,000.00）`` in zh; ``CN¥4,800,000.00 (480万)`` in en."""
        full = format_money(amount, self.locale)
        wan = format_money(amount, "zh", compact=True)
        return f"{wan}（{full}）" if self._i == 0 else f"{full} ({wan})"

    def short_money(self, amount: Decimal) -> str:
        return format_money(amount, self.locale)

    def bounds(self, value: Bounds, *, short: bool = True) -> str:
        fmt = self.short_money if short else self.money
        low, high = value
        return fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"

    def amount_range(self, low: Decimal | None, high: Decimal | None) -> str:
        if low is None or high is None:
            return self.text("no_amount")
        if low == high:
            return self.money(low)
        compact = (
            format_money(low, "zh", compact=True) + "–" + format_money(high, "zh", compact=True)
        )
        full = self.short_money(low) + "–" + self.short_money(high)
        return f"{compact}（{full}）" if self._i == 0 else f"{full} ({compact})"

    def rate(self, value: Decimal) -> str:
        return format_rate(value, self.locale)

    def rates(self, value: Bounds) -> str:
        low, high = value
        return self.rate(low) if low == high else f"{self.rate(low)}–{self.rate(high)}"

    def tier(self, tier: Tier) -> str:
        """``60% (start-up: yes)``: a rate tier with the conditions that choose it."""
        when = "; ".join(
            f"{self.fact(c.fact)}: {self.expected(c.fact, c.expected)}" for c in tier.when
        )
        cap = f", {self.cap_per('tier')} {self.bounds(tier.cap)}" if tier.cap else ""
        if tier.first_years is not None:
            cap += ", " + self.text("tier.first_years", years=tier.first_years)
        return self.rates(tier.rate) + (f" ({when}{cap})" if when or cap else "")

    def value(self, value: Any) -> str:
        if value is None:
            return self.text("unknown")
        if isinstance(value, bool):
            return self.text("yes" if value else "no")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            if value in _VALUES:
                return _VALUES[value][self._i]
            place = jurisdictions.CITIES.get(value) or jurisdictions.PROVINCES.get(value)
            if place is not None:
                return place.zh if self._i == 0 else place.en
        return str(value)

    def fact(self, fact: str | None) -> str:
        if fact is None:
            return ""
        return _FACTS[fact][self._i] if fact in _FACTS else fact

    def field(self, path: str) -> str:
        """``purchases[0].chip_origin`` → ``purchases[0].chip_origin（算力芯片来源）``."""
        scope = "applicant." if path.startswith("applicant.") else "purchase."
        name = path.rsplit(".", 1)[-1]
        if ".qualifications." in path:
            name = "qualifications"
        elif name == "start/end":
            name = "term"
        label = _FACTS.get(scope + name)
        if label is None:
            return path
        return f"{path}（{label[0]}）" if self._i == 0 else f"{path} ({label[1]})"

    def expected(self, fact: str | None, expected: Sequence[Any]) -> str:
        if fact == "year.contracts_total":
            return self.text("at_most", value=self.short_money(expected[0]))
        if fact == "purchase.term":
            return self.text("at_most", value=self.text("years", n=expected[0]))
        if fact == "purchase.signed":
            start, end = expected
            if start is not None and end is not None:
                return self.text("between", start=start, end=end)
            if start is not None:
                return self.text("on_or_after", date=start)
            return self.text("on_or_before", date=end)
        if len(expected) == 1:
            return self.value(expected[0])
        return self.text("one_of", values=self._sep.join(self.value(v) for v in expected))

    def status(self, status: str) -> str:
        return _STATUS[status][self._i]

    def confidence(self, confidence: str) -> str:
        return _CONFIDENCE[confidence][self._i]

    def cap_per(self, per: str) -> str:
        return _CAP_PER[per][self._i]

    def pool_period(self, period: str) -> str:
        return _POOL[period][self._i]

    def name(self, program: Program) -> str:
        return program.name.zh if self._i == 0 else program.name.en

    def place(self, jurisdiction: str) -> str:
        return self.value(jurisdiction)

    def window(self, start: dt.date, end: dt.date | None) -> str:
        if end is None:
            return self.text("open_window", start=start)
        return self.text("between", start=start, end=end)

    # -- results -----------------------------------------------------------------------------

    def reason(self, reason: Reason) -> str:
        prefix = f"[{reason.subject}] " if reason.subject else ""
        code = reason.code
        if code in (ReasonCode.CONDITION_FAILED, ReasonCode.CONDITION_UNKNOWN):
            body = self.text(
                code,
                fact=self.fact(reason.fact),
                actual=self.value(reason.actual),
                expected=self.expected(reason.fact, reason.expected),
            )
        elif code is ReasonCode.OTHER_VERSION:
            start, end = reason.expected
            body = self.text(code, actual=reason.actual, window=self.window(start, end))
        elif code is ReasonCode.NOT_IN_FORCE:
            start, end = reason.expected
            body = self.text(
                code,
                as_of=reason.actual,
                status=self.status(str(reason.text or "in_force")),
                window=self.window(start, end),
            )
        elif code in (ReasonCode.BEFORE_EFFECTIVE, ReasonCode.AFTER_END):
            body = self.text(code, actual=reason.actual, date=reason.expected[0])
        elif code is ReasonCode.MORE_EXCLUDED:
            body = self.text(code, count=reason.actual)
        elif code is ReasonCode.BELOW_MINIMUM:
            body = self.text(
                code,
                actual=self.short_money(reason.actual),
                expected=self.short_money(reason.expected[0]),
            )
        else:
            body = self.text(code, text=self.prose(reason.text))
        return prefix + body

    def assumption(self, assumption: Assumption, award: Award) -> str:
        prefix = f"[{assumption.subject}] " if assumption.subject else ""
        if assumption.code is AssumptionCode.RULE:
            assert assumption.ambiguity is not None
            amb = award.program.ambiguity(assumption.ambiguity)
            return f"{self.prose(amb.question)} → {self.prose(amb.choice)}"
        if assumption.code in (
            AssumptionCode.MISSING_FACT,
            AssumptionCode.ASSUMED_MET,
            AssumptionCode.ASSUMED_NOT_MET,
        ):
            return prefix + self.text(assumption.code, field=self.field(assumption.field or ""))
        if assumption.code is AssumptionCode.RENEWAL:
            return self.text(assumption.code, date=assumption.field)
        if assumption.code is AssumptionCode.SWITCH:
            name = assumption.field or ""
            switch = next(w for w in award.program.switches if w.id == name)
            return self.text(assumption.code, name=name, text=self.prose(switch.description))
        return prefix + self.text(assumption.code)

    def step(self, step: Step) -> str:
        """One trace step as a line (without its citation)."""
        d = step.detail
        kind = step.kind
        subject = f"[{step.subject}] " if step.subject and kind is not StepKind.YEAR else ""
        if kind is StepKind.CONDITION:
            body = self.text(
                "step.condition",
                fact=self.fact(d["fact"]),
                actual=self.value(d["actual"]),
                expected=self.expected(d["fact"], d["expected"]),
            )
            mark = {True: "✓ ", False: "✗ ", None: "? "}[d["ok"]]
            return mark + subject + body
        if kind is StepKind.BASE:
            assert step.after is not None
            key = (
                "step.base.contract"
                if d["of"] == "contract" or d.get("from_contract")
                else "step.base.settled"
            )
            return subject + self.text(key, amount=self.bounds(step.after))
        if kind is StepKind.RATE:
            assert step.rate is not None
            body = self.text("step.rate", rate=self.rates(step.rate))
            if "ceiling" in d:
                body += self.text("step.rate.ceiling", rate=self.rate(d["ceiling"]))
            return subject + body
        if kind is StepKind.AMOUNT:
            assert step.before is not None and step.after is not None and step.rate is not None
            return subject + self.text(
                "step.amount",
                base=self.bounds(step.before),
                rate=self.rates(step.rate),
                amount=self.bounds(step.after),
            )
        if kind in (StepKind.CAP, StepKind.POOL):
            assert step.before is not None and step.after is not None
            if kind is StepKind.CAP:
                label, cap = self.cap_per(d["per"]), self.bounds(d["cap"])
            else:
                label, cap = self.pool_period(d["period"]), self.short_money(d["pool"])
            key = "step.cap.binding" if d["binding"] else "step.cap.free"
            where = f"[{step.subject}] " if step.subject else ""
            return where + self.text(
                key,
                label=label,
                cap=cap,
                before=self.bounds(step.before),
                after=self.bounds(step.after),
            )
        if kind is StepKind.YEAR:
            assert step.after is not None
            return self.text(
                "step.year", year=step.subject, n=d["purchases"], amount=self.bounds(step.after)
            )
        if kind is StepKind.FIRST_YEARS:
            assert step.before is not None and step.after is not None
            values = {
                "years": d["years"],
                "rate": self.rates(d["rate"]),
                "rest": self.rates(d["rest"]),
                "before": self.bounds(step.before),
                "after": self.bounds(step.after),
            }
            if "days" in d:
                return subject + self.text(
                    "step.first_years", days=d["days"], inside=d["inside"], **values
                )
            return subject + self.text("step.first_years.unknown", **values)
        if kind is StepKind.SUPPORT_YEARS:
            assert step.before is not None and step.after is not None
            return self.text(
                "step.support_years",
                count=d["count"],
                years=self._sep.join(str(y) for y in d["years"]),
                before=self.bounds(step.before),
                after=self.bounds(step.after),
            )
        if kind is StepKind.PRORATION:
            assert step.before is not None and step.after is not None
            values = {
                "start": d["from"],
                "end": d["to"],
                "before": self.bounds(step.before),
                "after": self.bounds(step.after),
            }
            if "days" in d:
                return subject + self.text(
                    "step.proration", days=d["days"], inside=d["inside"], **values
                )
            return subject + self.text("step.proration.unknown", **values)
        if kind is StepKind.MINIMUM:
            assert step.before is not None and step.after is not None
            minimum = self.short_money(d["minimum"])
            if not d["binding"]:
                return subject + self.text("step.minimum.free", minimum=minimum)
            return subject + self.text(
                "step.minimum",
                minimum=minimum,
                before=self.bounds(step.before),
                after=self.bounds(step.after),
            )
        if kind is StepKind.LUMP_SUM:
            assert step.after is not None
            return self.text("step.lump_sum", amount=self.bounds(step.after))
        if kind is StepKind.ALLOCATION:
            shares = self._sep.join(
                f"{share['purchase']} {self.bounds(share['share'])}"
                + (
                    self.text("allocation.exhausted")
                    if share["share"][1] < share["amount"][1]
                    else ""
                )
                for share in d["shares"]
            )
            return f"[{step.subject}] " + self.text("step.allocation", shares=shares)
        if kind is StepKind.TOTAL:
            assert step.after is not None
            return self.text("step.total", amount=self.bounds(step.after))
        assert step.before is not None and step.after is not None
        if kind is StepKind.UNCERTAIN:
            return self.text(
                "step.uncertain", before=self.bounds(step.before), after=self.bounds(step.after)
            )
        unit = self.text(f"unit.{d['unit']}", places=d["places"])
        return self.text(
            "step.rounding",
            unit=unit,
            mode=self.text(f"mode.{d['mode']}"),
            before=self.bounds(step.before),
            after=self.bounds(step.after),
        )

    def stacking(self, note: StackingNote) -> str:
        if note.relation == "unknown":
            return self.text(
                "stacking.unknown",
                programs=self._sep.join(note.programs),
                purchases=self._sep.join(note.purchases),
            )
        a, b = note.programs
        ceiling = (
            ""
            if note.ceiling is None
            else self.text("stacking.ceiling", rate=self.rate(note.ceiling))
        )
        return self.text(
            f"stacking.{note.relation}",
            a=a,
            b=b,
            purchases=self._sep.join(note.purchases),
            ceiling=ceiling,
        )

    def program_notes(self, program: Program) -> list[str]:
        """Qualifications, switches and stacking relations of a program, one line each."""
        zh = self._i == 0
        lines = []
        for q in program.qualifications:
            label = q.zh if zh else f"{q.en} ({q.zh})"
            what = self.prose(q.description)
            lines.append(f"{'资质' if zh else 'Qualification'} `{q.id}`: {label} — {what}")
        for w in program.switches:
            lines.append(f"`--assume {w.id}`: {self.prose(w.description)}")
        for st in program.stacking:
            ceiling = (
                ""
                if st.ceiling is None
                else self.text("stacking.ceiling", rate=self.rates(st.ceiling))
            )
            lines.append(
                f"{'叠加' if zh else 'Stacking with'} `{st.program}`: {st.relation}{ceiling}"
            )
        return lines

    def citation(self, program: Program, source_id: str, quote: str) -> str:
        title = program.source(source_id).title
        return f"《{title}》：“{quote}”" if self._i == 0 else f"{title}: “{quote}”"


_CACHE: dict[str, Messages] = {}


def messages(locale: str) -> Messages:
    """The (cached) :class:`Messages` of a locale."""
    found = _CACHE.get(locale)
    if found is None:
        found = _CACHE[locale] = Messages(locale)
    return found
