"""The words of an estimate, in Chinese and English: its headings, the words of values and
conditions, every reason and assumption (by code), every trace step, stacking notes, the
application calendar, thresholds, units and the notes on a program.

One entry per key: ``key: (zh, en)``, each a format string. :class:`aivoucher.render.messages.
Messages` looks the keys up (``m.text(key, ...)``) in this table and the views' table
(:mod:`aivoucher.render.view_words`); a key is in one of them only, which a test checks.
"""

from __future__ import annotations

from ..vocabulary.trace import AssumptionCode, ReasonCode

__all__ = ["ESTIMATE_TEXT"]

ESTIMATE_TEXT = {
    "header": (
        "估算基准日 {date}（币种：{currency}）",
        "Estimate as of {date} (currency: {currency})",
    ),
    "header.rates": ("汇率：{rates}", "rates: {rates}"),
    "currency.CNY": ("人民币", "CNY"),
    "currency.HKD": ("港元", "HKD"),
    "total": ("合计：{amount}", "Total: {amount}"),
    "checked": ("原文核对于 {date}", "texts checked {date}"),
    "checked.unrecorded": ("未记录核对日期：{programs}", "no check date recorded for: {programs}"),
    "confidence.of": ("依据：{label}", "sources: {label}"),
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
    # the same key as "no_purchases" (a StrEnum equals its value): the reason and the text
    # view's line share these words
    ReasonCode.NO_PURCHASES: ("未列出任何采购", "No purchases"),
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
    ReasonCode.DAY_MATTERS: (
        "未写明{field}（只知在{actual}内），金额随之而变：{days}",
        "{field} not given (only {actual}): the award depends on it: {days}",
    ),
    ReasonCode.RATE_NEEDED: (
        "本项目以{expected}支付，画像金额为{actual}：需给出汇率（fx，如 {expected}=0.92）才能计算",
        "pays in {expected} while the amounts are in {actual}: give a rate (fx, e.g. "
        "{expected}=0.92) to judge them",
    ),
    "day_of_signed": ("合同签订日", "the signing day"),
    "day_of_start": ("服务开始日", "the first day of service"),
    "day_of_end": ("服务结束日", "the last day of service"),
    "day_run": ("{first}至{last}", "{first} to {last}"),
    "days_between": ("其间各日介于前后两者之间", "the days between: in between"),
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
    "step.conversion": (
        "按 1 {source} = {rate} {target} 换算（四舍五入到分）：{before} → {after}",
        "converted at 1 {source} = {rate} {target} (half-up to the cent): {before} → {after}",
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
    "depends.qualification": ("取决于资质 {names}", "depends on the qualification {names}"),
    "depends.renewal": ("取决于续期", "depends on a renewal"),
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
}
