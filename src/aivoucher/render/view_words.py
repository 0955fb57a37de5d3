"""The words of the views and questions, in Chinese and English: comparisons and their grid,
what narrows an estimate, the program list and catalogue, HTML and the board report, the spend
curve's bends and their causes, where to register, charts.

One entry per key: ``key: (zh, en)``, each a format string. :class:`aivoucher.render.messages.
Messages` looks the keys up (``m.text(key, ...)``) in this table and the estimate's table
(:mod:`aivoucher.render.estimate_words`); a key is in one of them only, which a test checks.
"""

from __future__ import annotations

__all__ = ["VIEW_TEXT"]

VIEW_TEXT = {
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
    # show
    "show.jurisdiction": ("地区", "Jurisdiction"),
    "national": ("全国", "National"),
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
    "catalog.columns": (
        "项目|地区|状态|有效期|补贴比例|上限|资金总额|来源可信度",
        "program|place|status|in force|rates|caps|pool|confidence",
    ),
    # concise estimate
    "no_program_here": (
        "没有项目覆盖{city}或{province}",
        "No program covers {city} or {province}",
    ),
    "programs_n": ("{n}个项目", "{n} programs"),
    "programs_n.one": ("1个项目", "1 program"),
    "group.other_places": (
        "{programs}属于其他地区：{places}",
        "{programs} of other places: {places}",
    ),
    "group.other_places.short": ("{programs}属于其他地区", "{programs} of other places"),
    "group.not_in_force": ("{programs}在基准日不在有效期内", "{programs} not in force on the date"),
    "group.reason": ("{programs}：{reason}", "{programs}: {reason}"),
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
        "估算基准日 {date} · 生成日期 {today} · 币种：{currency}",
        "Estimate as of {date} · produced {today} · currency: {currency}",
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
    "compare.unpublished_everywhere": (
        "各地均可能适用、但未公布金额：{programs}",
        "In every place, with no published amount: {programs}",
    ),
    "compare.needs_rate": (
        "以其他币种支付、给出汇率才能计算和排序（{n}个地区）：{places}；如 --fx HKD=0.92",
        "Paying in another currency, computed and ranked only with a rate ({n} places): "
        "{places}; e.g. --fx HKD=0.92",
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
}
