"""Localised wording (zh, en) for results: labels of values, reasons, assumptions, steps; the
labels of facts are the fact table's (:data:`aivoucher.vocabulary.facts.FACTS`). Formatting of
numbers and money is babel's (:mod:`aivoucher.base.money`); this module only chooses words. It does
no
arithmetic.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..base import jurisdictions
from ..base.i18n import LOCALES, resolve_locale
from ..base.money import format_money, format_rate
from ..vocabulary.facts import LABELS, VALUE_WORDS, fact_at
from ..vocabulary.result import ApplicationStatus, Award
from ..vocabulary.schema import Program, Prose, Tier
from ..vocabulary.trace import (
    Assumption,
    AssumptionCode,
    Bounds,
    Reason,
    ReasonCode,
    StackingNote,
    Step,
)
from .steps import step_line

if TYPE_CHECKING:
    from ..questions.curves import Bend
    from ..questions.whatif import Narrowing

__all__ = ["LOCALES", "Messages", "messages"]

_VALUES = VALUE_WORDS

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
    "checked": ("原文核对于 {date}", "texts checked {date}"),
    "checked.unrecorded": ("未记录核对日期：{programs}", "no check date recorded for: {programs}"),
    "confidence.of": ("依据：{label}", "sources: {label}"),
    "total.confidence": (
        "合计所依据的来源中最弱的一项：{label}",
        "The weakest source the total rests on: {label}",
    ),
    "open_facts": (
        "未提供、会缩小范围的信息：{fields}",
        "Facts not given that would narrow the range: {fields}",
    ),
    "readings": (
        "所依据的假设（各项目整体）",
        "Assumptions the figures rest on (each program as a whole)",
    ),
    "detail_hint": (
        "（--detail awards 列出每个项目及其来源，--detail full 列出计算过程）",
        "(--detail awards lists each program with its sources, --detail full the steps)",
    ),
    "total.if_renewed": (
        "若已到期的项目按最近版本续期：{amount}（未计入合计）",
        "If the programs that have ended were renewed as last known: {amount} (not in the total)",
    ),
    "conditional_heading": (
        "取决于申请人尚未声明的信息、未计入合计的项目（{n}）",
        "Programs that turn on a fact only the applicant can state, not in the total ({n})",
    ),
    "depends.facts": ("取决于未提供的{fields}", "depends on {fields}, not given"),
    "maxima": (
        "金额为最高额：“不超过X%”“最高Y元”按获批申请人最多可得计算。",
        'Amounts are maxima: "不超过X%" and "最高Y元" are read as the most a successful applicant '
        "gets.",
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
    "compare.if_renewed": ("；若续期 {total}", "; if renewed {total}"),
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
    "narrow.other": ("其他任何值（如{example}）", "any other (e.g. {example})"),
    "narrow.fact": ("声明 {field}", "declare {field}"),
    "narrow.line": ("{fact}：{answers}", "{fact}: {answers}"),
    "narrow.answer": ("{value} → {total}（下限{low}）", "{value} → {total} (low end {low})"),
    "compare.chart_title": ("各地补贴合计（{date}）", "Total by place ({date})"),
    "compare.col.rank": ("排名", "Rank"),
    "compare.col.place": ("地区", "Place"),
    "compare.col.total": ("补贴合计", "Total"),
    "compare.col.rate": ("实际补贴比例", "Effective rate"),
    "compare.col.programs": ("项目", "Programs"),
    "compare.col.missing": ("缺少的信息", "Missing facts"),
    "compare.col.counted": ("计入合计", "Counted"),
    "compare.col.renewed": ("若续期", "If renewed"),
    "compare.col.confidence": ("依据", "Sources"),
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
    ReasonCode.BELOW_THRESHOLD: (
        "年度支出{actual}未达到{expected}的门槛，当年不予支持",
        "the year's qualifying spend of {actual} does not reach the {expected} threshold, so the "
        "year pays nothing",
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
    "step.threshold": (
        "年度支出门槛 {threshold}（{inclusive}）：支出 {spend}，{met}；{before} → {after}",
        "annual spend threshold {threshold} ({inclusive}): spend {spend}, {met}; "
        "{before} → {after}",
    ),
    "application": ("申报", "Application"),
    "app.open": ("申报窗口开放中，{closes}截止", "open now, closes {closes}"),
    "app.open_ended": ("申报窗口开放中（未公布截止日期）", "open now, no closing date published"),
    "app.upcoming": ("下一申报窗口：{opens}至{closes}", "next window {opens} to {closes}"),
    "app.upcoming_open_ended": ("下一申报窗口：{opens}起", "next window opens {opens}"),
    "app.closed": (
        "已公布的申报窗口均已结束（最后截止于{closes}）",
        "every published window has closed (the last on {closes})",
    ),
    "app.unknown": ("下一申报窗口未公布", "next window unknown"),
    "app.covers": ("（受理{year}年的合同或用量）", " (for contracts or usage of {year})"),
    "app.closed_for": ("{years}年合同的申报窗口已关闭", "closed for contracts of {years}"),
    "app.every_year": ("每年{start}至{end}", "every year {start} to {end}"),
    "app.covers.previous_year": (
        "受理上一年度的合同或用量",
        "for the previous year's contracts or usage",
    ),
    "app.covers.same_year": ("受理当年的合同或用量", "for the same year's contracts or usage"),
    "app.windows": ("申报时间：{windows}", "windows: {windows}"),
    "app.no_window": ("未公布申报时间", "no window published"),
    "app.frequency": ("频次：{every}", "how often: {every}"),
    "app.office": ("受理：{name}", "apply at: {name}"),
    "app.materials": ("申报材料：{items}", "materials: {items}"),
    "app.payment": ("拨付：{text}", "payment: {text}"),
    "every.once": ("一次性", "once"),
    "every.yearly": ("每年", "yearly"),
    "every.half_yearly": ("每半年", "every half year"),
    "every.quarterly": ("每季度", "quarterly"),
    "every.monthly": ("每月", "monthly"),
    "every.rolling": ("常年受理", "all year round"),
    "threshold": (
        "年度支出门槛 {amount}（{inclusive}）",
        "annual spend threshold {amount} ({inclusive})",
    ),
    "fixed_each": ("每项定额 {amount}", "fixed award {amount} each"),
    "threshold.inclusive": ("含本数", "reaching it is enough"),
    "threshold.exclusive": ("须超过", "must be exceeded"),
    "threshold.met": ("已达到", "reached"),
    "threshold.not_met": ("未达到", "not reached"),
    "threshold.unknown": ("是否达到取决于未知信息", "whether it is reached turns on unknown facts"),
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
    # program notes (show, catalogue)
    "citation": ("《{title}》：“{quote}”", "{title}: “{quote}”"),
    "qualification.label": ("{zh}", "{en} ({zh})"),
    "note.qualification": (
        "资质 `{id}`：{label} — {what}",
        "Qualification `{id}`: {label} — {what}",
    ),
    "note.switch": ("`--assume {id}`：{what}", "`--assume {id}`: {what}"),
    "note.stacking": (
        "与 `{program}` 的叠加关系：{relation}{ceiling}",
        "Stacking with `{program}`: {relation}{ceiling}",
    ),
    "relation.stackable": ("可叠加", "stackable"),
    "relation.exclusive": ("不可叠加", "exclusive"),
    # show
    "show.jurisdiction": ("地区", "Jurisdiction"),
    "show.status": ("状态", "Status"),
    "show.effective": ("有效期", "effective"),
    "show.document": ("文件", "Document"),
    "show.issuer": ("发布机关", "Issuer"),
    "show.eligibility": ("申请条件", "Eligibility"),
    "show.assumption": ("假设", "assumption"),
    "show.base": ("计算基数", "Base"),
    "base.contract": ("合同金额", "contract amount"),
    "base.settled": ("实际结算金额", "settled amount"),
    "show.prorated": ("按基准期折算", "Prorated to the base period"),
    "show.award": ("奖励", "Award"),
    "show.rate": ("补贴比例", "Rate"),
    "show.ceiling": ("比例上限", "Rate ceiling"),
    "show.support_years": ("资助年限", "Support years"),
    "show.minimum": ("最低申领额", "Minimum award"),
    "show.rounding": ("取整", "Rounding"),
    "rounding.each_step": ("每步取整", "each step"),
    "rounding.end": ("最终取整", "at the end"),
    "show.sources": ("来源", "Sources"),
    "show.seed": ("种子报道 {seed}", "seed {seed}"),
    "show.open_points": ("待明确事项", "Open points"),
    "show.history": ("历史版本", "History"),
    "show.qualifications": ("资质", "qualifications"),
    "programs.ended": (
        "已到期，未见续期或新版本",
        "ended, no renewal or new version known",
    ),
    "programs.checked": ("原文核对于 {date}", "texts checked {date}"),
    "show.rates": ("比例", "rates"),
    "show.issuer_of": ("发布机关：{issuer}", "issuer {issuer}"),
    "show.in_force": ("有效期：{window}（{status}）", "In force: {window} ({status})"),
    "catalog.title": ("项目", "Programs"),
    "catalog.intro": (
        "由 `aivoucher programs --format markdown --locale zh` 从 `rules/` 生成。"
        "金额为最高额（“不超过”“最高”）。",
        "Generated from `rules/` by `aivoucher programs --format markdown > docs/programs.md`;"
        ' a test fails when this file is stale. Amounts are maxima ("不超过", "最高").',
    ),
    "catalog.place_intro": (
        "本地区的 {count} 个项目（含已失效、被取代的版本和草案），由 `rules/` 中的规则文件生成。"
        "金额为最高额（“不超过”“最高”）。",
        "This place's {count} program(s), with superseded versions and drafts, generated from "
        'the rule files in `rules/`. Amounts are maxima ("不超过", "最高").',
    ),
    "catalog.index_title": ("按地区的项目目录", "Programs by place"),
    "catalog.index_intro": (
        "每个地区一页，由规则文件生成：补贴比例、上限、资金总额、有效期、来源（附原文）和待明确事项。",
        "One page per place, generated from the rule files: rates, caps, pools, dates, the "
        "sources with their wording, and the open points.",
    ),
    "catalog.columns": (
        "项目|地区|状态|有效期|补贴比例|上限|资金总额|来源可信度",
        "program|place|status|in force|rates|caps|pool|confidence",
    ),
    # concise estimate
    "no_program_here": (
        "没有项目覆盖{city}或{province}",
        "No program covers {city} or {province}",
    ),
    "no_purchases": ("未列出任何采购", "No purchases"),
    "programs_n": ("{n}个项目", "{n} programs"),
    "programs_n.one": ("1个项目", "1 program"),
    "group.other_places": (
        "{programs}属于其他地区：{places}",
        "{programs} of other places: {places}",
    ),
    "group.other_places.short": ("{programs}属于其他地区", "{programs} of other places"),
    "group.not_in_force": ("{programs}在基准日不在有效期内", "{programs} not in force on the date"),
    "group.reason": ("{programs}：{reason}", "{programs}: {reason}"),
    "depends.qualification": ("取决于资质 {names}", "depends on the qualification {names}"),
    "depends.renewal": ("取决于续期", "depends on a renewal"),
    "up_to": ("最高{amount}", "up to {amount}"),
    "not_counted": ("未计入合计", "not in the total"),
    "more_verbose": (
        "（--verbose 显示全部计算过程与原因）",
        "(--verbose shows every step and reason)",
    ),
    # notebook view
    "html.program": ("项目", "Program"),
    "html.award": ("金额", "Award"),
    "html.rate": ("补贴比例", "Rate"),
    "html.cap": ("触及的上限", "Binding cap"),
    "html.cap_none": ("未触及上限", "none reached"),
    "html.trace": ("计算过程（{n}步）", "Trace ({n} steps)"),
    "html.trace.one": ("计算过程（1步）", "Trace (1 step)"),
    "html.depends": ("取决于", "Depends on"),
    "html.missing": ("未提供的信息：{fields}", "facts not given: {fields}"),
    "html.readings": ("对政策文本的{n}项解读", "{n} readings of the policy texts"),
    "html.readings.one": ("对政策文本的1项解读", "1 reading of the policy texts"),
    "html.nothing": ("无未知信息，无需解读", "no missing facts, no readings"),
    "html.counted": ("计入合计（{n}）", "Counted ({n})"),
    "html.why": ("原因", "Why"),
    "html.up_to": ("最高", "Up to"),
    "rate.fixed": ("定额", "fixed"),
    # report
    "report.title": ("人工智能算力补贴估算报告", "AI compute-subsidy estimate"),
    "report.for": ("申请主体：{name}", "Applicant: {name}"),
    "report.as_of": (
        "估算基准日 {date} · 生成日期 {today} · 币种：人民币",
        "Estimate as of {date} · produced {today} · currency CNY",
    ),
    "report.expected": ("预计可获补贴（最高额）", "Expected award (maxima)"),
    "report.narrows": ("哪些因素会缩小或改变这一区间", "What narrows or changes this range"),
    "report.narrow.missing": (
        "补充以下信息可确定金额：{fields}",
        "Stating these facts settles the amount: {fields}",
    ),
    "report.narrow.conditional": (
        "{program}：{why}；如具备，最高可再得{amount}（未计入合计）",
        "{program}: {why}; if met, up to {amount} more (not in the total)",
    ),
    "report.narrow.readings": (
        "估算依赖对政策文本的{n}项解读，见“假设”一节",
        "The estimate rests on {n} readings of the policy texts; see Assumptions",
    ),
    "report.narrow.readings.one": (
        "估算依赖对政策文本的1项解读，见“假设”一节",
        "The estimate rests on 1 reading of the policy texts; see Assumptions",
    ),
    "report.narrow.none": (
        "金额已确定：无缺失信息，无未计入的项目",
        "The amount is settled: no missing facts, no programs left out",
    ),
    "report.narrow.review": (
        "实际金额以主管部门审核为准，可能因评审或资金用尽而降低",
        "Actual awards follow the authorities' review and may be lower (review, budget exhausted)",
    ),
    "report.programs": ("计入合计的项目", "Programs counted"),
    "report.expiry": ("有效期至", "In force until"),
    "report.open_ended": ("未定截止日期", "open-ended"),
    "report.profile": ("申报情况", "Profile"),
    "report.purchase": ("采购", "Purchase"),
    "report.item": ("内容", "Item"),
    "report.amount": ("合同金额", "Contract amount"),
    "report.signed": ("签订日期", "Signed"),
    "report.kind_city": ("{kind}，注册地{city}", "{kind} registered in {city}"),
    "report.unnamed": ("（未填写名称）", "(name not given)"),
    "report.chart": ("补贴金额与采购金额", "Award against spend"),
    "report.chart.about": (
        "采购 {purchase} 的金额从0到{top}变化、其他采购不变时，"
        "各计入合计项目的最高补贴额（万元）。",
        "The most each counted program pays as purchase {purchase} runs from 0 to {top}, "
        "the other purchases as in the profile (amounts in 万 = 10,000 yuan).",
    ),
    "report.chart.now": ("当前 {amount}", "now {amount}"),
    "report.chart.low": ("{name}（下限）", "{name} (low end)"),
    "report.chart.total": ("合计", "Total"),
    "report.chart.x": ("采购额", "spend"),
    "report.chart.y": ("补贴额", "award"),
    "report.how": ("计算过程", "How the amount is computed"),
    "report.details": ("各项目明细", "Programs in detail"),
    "report.document": ("政策文件：{title}", "Policy document: {title}"),
    "report.issuer": (
        "发布机关：{issuer}；有效期：{window}",
        "Issued by {issuer}; in force {window}",
    ),
    "report.assumptions": ("假设与解读", "Assumptions"),
    "report.assumptions.intro": (
        "以下是估算所依据的假设：政策文本未明确之处按规则文件声明的解读计算，未提供的信息按区间计算。",
        "The estimate rests on these assumptions: where a text leaves a point open, the rule "
        "file's declared reading; where a fact is not given, a range over both answers.",
    ),
    "report.others": ("其他项目", "Other programs"),
    "report.notes": ("政策原文引用", "Policy text quoted"),
    "report.confidence": ("可信度：{label}", "confidence: {label}"),
    "report.disclaimer": (
        "免责声明（{date}）：金额为依据已公布政策文本可获得的最高额，"
        "“不超过X%”“最高Y元”均按上限计算；实际金额以主管部门审核为准，可能因评审、"
        "资金总额用尽或文件修订而降低。本报告不构成申报承诺或法律意见。",
        "Disclaimer ({date}): amounts are maxima under the published texts — "
        '"不超过X%" and "最高Y元" are read as the most a successful applicant gets. '
        "Actual awards follow the authorities' review and may be lower (review, budget "
        "exhausted, revised texts). This report is not a commitment or legal advice.",
    ),
    "report.none_counted": ("没有计入合计的项目", "No program counts towards the total"),
    "repr.estimate": (
        "<Estimate {date} 合计 {total}，{n}个项目中{paying}个有金额>",
        "<Estimate {date} total {total}, {paying} paying of {n}>",
    ),
    "repr.award": ("<Award {program} {state} {amount}>", "<Award {program} {state} {amount}>"),
    # spend curves (aivoucher.sweep)
    "bend.stops": (
        "{program}{ends}：采购额达到{amount}时不再增长（{cause}）",
        "{program}{ends} stops growing at {amount} of spend ({cause})",
    ),
    "bend.slope": (
        "{program}{ends}：采购额自{amount}起，每元采购所得资助由{before}变为{after}（{cause}）",
        "{program}{ends}: from {amount} of spend, each yuan adds {after} instead of {before} "
        "({cause})",
    ),
    "bend.jump": (
        "{program}{ends}：采购额为{amount}时，资助由{before}变为{after}（{cause}）",
        "{program}{ends} goes from {before} to {after} at {amount} of spend ({cause})",
    ),
    "bend.ends": ("（区间{ends}）", " ({ends} end)"),
    "end.low": ("下限", "low"),
    "end.high": ("上限", "high"),
    "cause.binds": ("触及{label}{limit}", "{label} {limit} binds"),
    "cause.frees": ("{label}{limit}不再约束", "{label} {limit} no longer binds"),
    "cause.minimum.binds": ("低于最低申领额{limit}", "below the minimum award of {limit}"),
    "cause.minimum.frees": ("达到最低申领额{limit}", "the minimum award of {limit} is reached"),
    "cause.threshold.binds": (
        "年度采购额低于门槛{limit}",
        "the year's spend is below the threshold of {limit}",
    ),
    "cause.threshold.frees": (
        "年度采购额达到门槛{limit}",
        "the year's spend reaches the threshold of {limit}",
    ),
    "cause.tier": (
        "年度合同累计金额超过{limit}，适用另一档补贴比例",
        "the year's contracts exceed {limit}: another rate tier applies",
    ),
    "cause.support_years": ("资助年限限制", "the limit on supported years"),
    "cause.eligibility": ("是否符合条件发生变化", "eligibility changes"),
    "sweep.amount": ("采购额", "spend"),
    "sweep.place": ("注册地", "place"),
    "sweep.in_place": ("注册于{place}：", "registered in {place}: "),
    "sweep.total": ("合计", "total"),
    "sweep.bends": ("拐点", "Bends"),
    "sweep.award": ("资助额（万元）", "award (10,000 yuan)"),
    "sweep.spend": ("采购额（万元）", "spend (10,000 yuan)"),
    "purchase_n": ("采购{label}", "purchase {label}"),
    "narrow.stacking": (
        "{programs}可否同时享受（政策文本未说明）",
        "whether {programs} may both be paid (no text says)",
    ),
    "narrow.stacking_any": (
        "未说明能否同时享受的项目可否叠加",
        "whether programs no text relates may both be paid",
    ),
    "narrow.stackable": ("可同时享受", "both paid"),
    "narrow.exclusive": ("只能享受其一", "only the better one"),
    # the decision view of a comparison (render/comparison.py, render/decision.py)
    "compare.none_pays": (
        "按现行政策，没有地区为该计划计入补贴",
        "Under the rules in force no place pays for this plan",
    ),
    "compare.brief_renewed": ("；若续期 {total}（{ends}）", "; if renewed {total} ({ends})"),
    "compare.ends": ("{program}{date}到期", "{program} ends {date}"),
    "compare.min_confidence": (
        "只计来源可信度不低于“{label}”的项目；较弱来源的项目列为“未计入”",
        "Counting only awards whose sources are at least \u201c{label}\u201d; weaker ones are "
        "listed as left out",
    ),
    "compare.left_out": (
        "；因来源较弱未计入：{awards}",
        "; left out for weaker sources: {awards}",
    ),
    "compare.more_aside": ("另有{n}项未计入合计", "{n} more not in the total"),
    "compare.everywhere": (
        "各地均可能另有、但未计入合计：{awards}",
        "Possible in every place, not in the totals: {awards}",
    ),
    "compare.open_facts": (
        "尚未提供、会改变金额的信息：{facts}",
        "Facts not given that would change the figures: {facts}",
    ),
    "compare.unpublished": (
        "有项目但未公布金额（{n}个地区）：{places}",
        "A program but no published amount ({n} places): {places}",
    ),
    "compare.nothing": (
        "对该计划无补贴（{n}个地区）：{places}",
        "Nothing for this plan ({n} places): {places}",
    ),
    # the where-to-register report (render/where.py)
    "where.title": ("注册地选择报告", "Where to register"),
    "where.plan": ("计划：{purchases}；合计{spend}", "Plan: {purchases}; {spend} in all"),
    "where.purchase": (
        "{label}（{item}，{amount}，{signed}签订）",
        "{label} ({item}, {amount}, signed {signed})",
    ),
    "where.best": (
        "按现行政策计入合计最多：{place}，{total}（依据：{confidence}）",
        "Most under the rules in force: {place}, {total} (sources: {confidence})",
    ),
    "where.best_renewed": (
        "若已到期项目续期：{place}，{total}（{programs}）",
        "If ended programs were renewed: {place}, {total} ({programs})",
    ),
    "where.assumed_renewal": (
        "本报告假设已到期项目按最近一版续期：标为“若续期”的金额取决于续期",
        "This report assumes ended programs are renewed as last known: figures marked "
        "\u201cif renewed\u201d depend on a renewal",
    ),
    "where.none_pays": (
        "按现行政策，没有地区为该计划计入补贴",
        "Under the rules in force no place pays for this plan",
    ),
    "where.ranking": ("各地排名", "Places ranked"),
    "where.nothing": (
        "对该计划无补贴的地区（{n}个）：{places}",
        "Places that pay nothing for this plan ({n}): {places}",
    ),
    "where.unpublished": (
        "有项目但未公布金额的地区（{n}个）：{places}",
        "Places with a program but no published amount ({n}): {places}",
    ),
    "where.chart": ("各地补贴合计", "Total by place"),
    "where.leading": ("重点地区", "The leading places"),
    "where.ended": ("{program}（{date}到期）", "{program} (ends {date})"),
    "where.renewal_only": (
        "仅在以下项目续期后才有补贴，下列金额均以续期为前提：{programs}",
        "Pays only if these programs are renewed; the figures below assume it: {programs}",
    ),
    "where.rests": ("金额依据", "What the figure rests on"),
    "where.award": (
        "{name}：{amount}，比例{rate}；依据：{confidence}；{until}",
        "{name}: {amount} at {rate}; sources: {confidence}; {until}",
    ),
    "where.until": ("有效期至{date}", "in force until {date}"),
    "where.find_out": ("尚需确认", "What to find out"),
    "where.find_out.none": (
        "没有会改变该金额的未知信息",
        "No open fact would change this figure",
    ),
    "where.fact": ("{label}：{answers}", "{label}: {answers}"),
    "where.answer": ("{value} → {total}", "{value} → {total}"),
    "where.any_other": ("其他", "any other"),
    "where.more": ("另有{n}种情况", "{n} more"),
    "where.adds": ("可能增加尚未计入的补贴", "may add an award not yet counted"),
    "where.prepare": ("申报准备", "What to prepare, and when"),
    "where.readings": (
        "依据{n}项对政策文本的解读（详见报告）",
        "rests on {n} readings of the text (see the report)",
    ),
    "where.readings.one": (
        "依据1项对政策文本的解读（详见报告）",
        "rests on one reading of the text (see the report)",
    ),
    "where.no_guide": (
        "未找到已公布的申报指南（{date}核对）",
        "no application guide found published (checked {date})",
    ),
    "chart.no_cjk_font": (
        "未找到可显示中文的字体，图表改用英文标签（可安装 Noto Sans CJK 等字体）",
        "no font with Chinese glyphs is installed: the chart uses English labels (install e.g. "
        "Noto Sans CJK)",
    ),
    "missing_extra": (
        "{what}需要 {package}：请安装 pip install 'aivoucher[notebook]'",
        "{what} needs {package}: pip install 'aivoucher[notebook]'",
    ),
}


_PURCHASE_PATH = re.compile(r"^purchases\[(\d+)\]")


class Messages:
    """Wording for one locale (``zh`` or ``en``)."""

    def __init__(self, locale: str | None = None) -> None:
        self.locale = resolve_locale(locale)
        self._i = 0 if self.locale == "zh" else 1
        self._sep = "、" if self.locale == "zh" else ", "

    @property
    def sep(self) -> str:
        """The separator of a list: ``、`` in Chinese, ``, `` in English."""
        return self._sep

    @property
    def semi(self) -> str:
        """Between clauses: ``；`` in Chinese, ``; `` in English."""
        return "；" if self._i == 0 else "; "

    def paren(self, text: str) -> str:
        """``（text）`` in Chinese, `` (text)`` in English."""
        return f"（{text}）" if self._i == 0 else f" ({text})"

    @property
    def colon(self) -> str:
        """What follows a label: ``：`` in Chinese, ``: `` in English."""
        return "：" if self._i == 0 else ": "

    def heading(self, key: str, **values: Any) -> str:
        """A label followed by a colon: ``计算过程：`` or ``Steps:``."""
        return self.text(key, **values) + self.colon.rstrip()

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
        when = self.semi.join(
            f"{self.fact(c.fact)}{self.colon}{self.expected(c.fact, c.expected)}" for c in tier.when
        )
        cap = f"{self.sep}{self.cap_per('tier')} {self.bounds(tier.cap)}" if tier.cap else ""
        if tier.first_years is not None:
            cap += self.sep + self.text("tier.first_years", years=tier.first_years)
        return self.rates(tier.rate) + (self.paren(when + cap) if when or cap else "")

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
                return place.text(self.locale)
            district = jurisdictions.DISTRICTS.get(value)
            if district is not None:
                town = jurisdictions.CITIES[district.city]
                if self._i == 0:
                    return town.zh + district.zh
                return f"{district.en} District, {town.en}"
        return str(value)

    def fact(self, fact: str | None) -> str:
        if fact is None:
            return ""
        return LABELS[fact][self._i] if fact in LABELS else fact

    def field(self, path: str) -> str:
        """A profile path for a reader: in Chinese the fact's words alone
        (``purchases[1].chip_origin`` → ``算力芯片来源（采购#2）``); in English the path with
        the words (``purchases[0].chip_origin (chip origin)``), the path being what a
        developer writes in the profile."""
        fact = fact_at(path)
        if fact is None:
            return path
        if self._i == 0:
            return self.fact_words(path)
        return f"{path} ({fact.en})"

    def narrowing_fact(
        self,
        item: Narrowing,
        purchases: Sequence[Any] | None = None,
        qualifications: Mapping[str, tuple[str, str]] | None = None,
    ) -> str:
        """The question a :class:`~aivoucher.questions.whatif.Narrowing` asks, in words: the
        fact, or whether programs no rule file relates may both pay."""
        if item.programs:
            names = self.sep.join(self.name(p) for p in item.programs)
            return self.text("narrow.stacking", programs=names)
        return self.fact_words(item.field, purchases, qualifications)

    def narrowing_value(self, item: Narrowing, value: Any) -> str:
        """An answer's value in words (the stacking question's are its own)."""
        if item.programs and value in ("stackable", "exclusive"):
            return self.text(f"narrow.{value}")
        return self.value(value)

    def fact_words(
        self,
        path: str,
        purchases: Sequence[Any] | None = None,
        qualifications: Mapping[str, tuple[str, str]] | None = None,
    ) -> str:
        """A profile path in words from the fact table, never as a path: the provider's city,
        a qualification by its name in ``qualifications`` (id → (zh, en)). A purchase's fact
        names the purchase where there are several (``purchases``, the profile's; without
        them, every purchase but the first)."""
        if path == "stacking":  # questions.whatif.STACKING
            return self.text("narrow.stacking_any")
        fact = fact_at(path)
        if fact is None:
            return path
        words = fact.zh if self._i == 0 else fact.en
        if fact.kind == "qualification":
            key = path.rsplit(".", 1)[-1]
            named = (qualifications or {}).get(key)
            words += self.colon + (named[self._i] if named else key)
        found = _PURCHASE_PATH.match(path)
        if found:
            index = int(found.group(1))
            several = len(purchases) > 1 if purchases is not None else index > 0
            if several:
                label = (
                    purchases[index].label(index)
                    if purchases is not None and index < len(purchases)
                    else f"#{index + 1}"
                )
                words += self.paren(self.text("purchase_n", label=label))
        return words

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
        return program.name.text(self.locale)

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
        elif code in (ReasonCode.BELOW_MINIMUM, ReasonCode.BELOW_THRESHOLD):
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
        """One trace step as a line (without its citation): the words of its kind, from the
        table in :mod:`aivoucher.render.steps`."""
        return step_line(self, step)

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
        lines = []
        for q in program.qualifications:
            lines.append(
                self.text(
                    "note.qualification",
                    id=q.id,
                    label=self.text("qualification.label", zh=q.zh, en=q.en),
                    what=self.prose(q.description),
                )
            )
        for w in program.switches:
            lines.append(self.text("note.switch", id=w.id, what=self.prose(w.description)))
        for st in program.stacking:
            ceiling = (
                ""
                if st.ceiling is None
                else self.text("stacking.ceiling", rate=self.rates(st.ceiling))
            )
            lines.append(
                self.text(
                    "note.stacking",
                    program=st.program,
                    relation=self.text(f"relation.{st.relation}"),
                    ceiling=ceiling,
                )
            )
        return lines

    def threshold(self, program: Program) -> str | None:
        """The program's annual spend threshold, if any."""
        t = program.threshold
        if t is None:
            return None
        inclusive = self.text("threshold.inclusive" if t.inclusive else "threshold.exclusive")
        return self.text("threshold", amount=self.short_money(t.amount), inclusive=inclusive)

    def lump_sum(self, program: Program) -> str | None:
        """A fixed award: once, or for each qualifying entry."""
        lump = program.rate.lump_sum
        if lump is None:
            return None
        key = "fixed_each" if lump.per == "purchase" else "fixed"
        return self.text(key, amount=self.bounds(lump.amount))

    def application_status(self, status: ApplicationStatus) -> str:
        """Where an award stands in its application calendar, as a clause."""
        if status.state == "open":
            text = (
                self.text("app.open", closes=status.closes)
                if status.closes is not None
                else self.text("app.open_ended")
            )
        elif status.state == "upcoming":
            text = (
                self.text("app.upcoming", opens=status.opens, closes=status.closes)
                if status.closes is not None
                else self.text("app.upcoming_open_ended", opens=status.opens)
            )
        elif status.state == "closed":
            text = self.text("app.closed", closes=status.closes)
        else:
            text = self.text("app.unknown")
        if status.covers is not None and status.state in ("open", "upcoming"):
            text += self.text("app.covers", year=status.covers)
        if status.closed_for:
            years = self._sep.join(str(y) for y in status.closed_for)
            text += self._sep + self.text("app.closed_for", years=years)
        return text

    def application(self, award: Award) -> str | None:
        """The award's application line: the window, then what the rule file says about
        materials, office and payment."""
        if award.application is None:
            return None
        parts = [self.application_status(award.application)]
        parts += self.application_details(award.program, windows=False)
        return " · ".join(parts)

    def application_details(self, program: Program, *, windows: bool = True) -> list[str]:
        """A program's application facts, one clause each (empty where no text gives any)."""
        app = program.application
        if app is None:
            return [self.text("app.no_window")] if windows else []
        out = []
        if windows:
            shown = []
            for w in app.windows:
                if w.every_year is not None:
                    one = self.text("app.every_year", start=w.every_year.from_, end=w.every_year.to)
                elif w.from_ is not None:
                    one = self.window(w.from_, w.to)
                else:
                    one = self.text("on_or_before", date=w.to)
                if w.covers is not None:
                    one += f" ({self.text(f'app.covers.{w.covers}')})"
                shown.append(one)
            out.append(
                self.text("app.windows", windows=self._sep.join(shown))
                if shown
                else self.text("app.no_window")
            )
        if app.frequency is not None:
            out.append(self.text("app.frequency", every=self.text(f"every.{app.frequency.every}")))
        if app.office is not None:
            name = self.prose(app.office.name)
            if app.office.url:
                name += f" {app.office.url}"
            out.append(self.text("app.office", name=name))
        if app.materials:
            items = self._sep.join(self.prose(m.item) for m in app.materials)
            out.append(self.text("app.materials", items=items))
        if app.payment is not None:
            out.append(self.text("app.payment", text=self.prose(app.payment.text)))
        return out

    def program_label(self, program: Program) -> str:
        """``成都 算力券`` / ``Chengdu Compute voucher``."""
        place, name = self.place(program.jurisdiction), self.name(program)
        if name.startswith(place):
            return name
        return f"{place}{'' if self._i == 0 else ' '}{name}"

    def bend(self, bend: Bend, program: Program) -> str:
        """One bend of a spend curve as a sentence."""
        if bend.kind in ("cap", "pool"):
            label = (
                self.cap_per(bend.per or "")
                if bend.kind == "cap"
                else self.pool_period(bend.per or "")
            )
            key = "cause.binds" if bend.binds else "cause.frees"
            cause = self.text(key, label=label, limit=self._limit(bend.limit))
        elif bend.kind in ("minimum", "threshold"):
            key = f"cause.{bend.kind}.binds" if bend.binds else f"cause.{bend.kind}.frees"
            cause = self.text(key, limit=self._limit(bend.limit))
        else:
            cause = self.text(f"cause.{bend.kind}", limit=self._limit(bend.limit))
        ends = ""
        if len(bend.ends) == 1:
            ends = self.text("bend.ends", ends=self.text(f"end.{bend.ends[0]}"))
        values = {
            "program": self.program_label(program),
            "ends": ends,
            "amount": self.money(bend.at),
            "cause": cause,
        }
        if not bend.jump and bend.slope_after == 0:
            return self.text("bend.stops", **values)
        if not bend.jump:
            return self.text(
                "bend.slope",
                before=self._slope(bend.slope_before),
                after=self._slope(bend.slope_after),
                **values,
            )
        return self.text(
            "bend.jump",
            before=self.short_money(bend.before),
            after=self.short_money(bend.after),
            **values,
        )

    def _limit(self, limit: Decimal | None) -> str:
        return "" if limit is None else format_money(limit, self.locale, compact=True)

    def _slope(self, slope: Fraction) -> str:
        return self.rate(Decimal(slope.numerator) / Decimal(slope.denominator))

    def citation(self, program: Program, source_id: str, quote: str) -> str:
        title = program.source(source_id).title
        return self.text("citation", title=title, quote=quote)

    def count(self, key: str, n: int, **values: Any) -> str:
        """A sentence about ``n`` things: the ``key.one`` wording for one, ``key`` otherwise."""
        one = f"{key}.one"
        return self.text(one if n == 1 and one in _TEXT else key, n=n, **values)


_CACHE: dict[str, Messages] = {}


def messages(locale: str | None = None) -> Messages:
    """The (cached) :class:`Messages` of a locale (default: :func:`aivoucher.set_locale`'s)."""
    locale = resolve_locale(locale)
    found = _CACHE.get(locale)
    if found is None:
        found = _CACHE[locale] = Messages(locale)
    return found
