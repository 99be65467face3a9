"""Words of the decision page, the overrides on covers, colour legends and empty-chart lines."""

DECISION_STRINGS: dict[str, tuple[str, str]] = {
    "d_overrides": ("覆盖参数（--set）", "Overrides (--set)"),
    "d_overrides_n": ("覆盖参数 {n} 项", "overrides: {n}"),
    "churn_cause": ("（{label}单月最多未满足 {u}）", " (worst month {u} of its {label} unmet)"),
    "k_lost_once": ("流失租户（家，期望值，每家只计一次）", "Tenants lost (expected, each once)"),
    "l_by_facility": ("颜色 = 设施", "colour = facility"),
    "l_by_type": ("颜色 = 计算类型", "colour = compute type"),
    "l_by_tenant": ("颜色 = 租户", "colour = tenant"),
    # the decision page
    "dc_page": ("要决定什么", "What to decide"),
    "dc_intro": ("每个目标：能否达成（达成概率及其 ±2 标准误区间），届时需求与算力相比目标如何，补足缺口需要什么。",
                 "Per target: will it be met (P(met) with its ±2 standard-error band), how demand "
                 "and capacity then compare with the target, and what closing the gap takes."),
    "dc_met": ("{label}（{by}）有望达成，达成概率 {p}；届时需求约 {d50}（P10–P90 {d10}–{d90}），算力 {c50}",
               "{label} by {by} is on track, P(met) {p}; demand then is {d50} (P10–P90 "
               "{d10}–{d90}) against {c50} built"),
    "dc_short": ("{label}（{by}）达成概率仅 {p}；届时需求约 {d50}（P10–P90 {d10}–{d90}），算力 {c50}",
                 "{label} by {by} has P(met) {p}; demand then is {d50} (P10–P90 {d10}–{d90}) "
                 "against {c50} built"),
    "dc_demand_low": ("需求 P90 仅为目标的 {share}，目标本身值得重新审视",
                      "demand P90 is only {share} of the target: the target itself deserves a "
                      "second look"),
    "dc_fix": ("补足须增加 {add}（{cls}），最晚 {start} 开工，投资约 {capex} 百万元、满载功率 {mw} MW，按预期需求利用率约 {u}",
               "closing it takes {add} more ({cls}) started by {start}, about {capex} million "
               "CNY and {mw} MW at full load, running at about {u} utilisation at the expected "
               "demand"),
    "dc_too_late": ("补足须增加 {add}，但即使{cls}也须在 {start} 前开工，早于情景日期 {as_of}：已来不及（投资约 {capex} 百万元、满载功率 {mw} MW、利用率约 {u}）",
                    "closing it takes {add}, but even {cls} had to start by {start}, before the "
                    "scenario's date {as_of}: too late (about {capex} million CNY, {mw} MW, "
                    "{u} utilisation)"),
    "dc_no_start": ("补足须增加 {add}，但任何建设方式都已来不及", "closing it takes {add}, but no build "
                    "class can make it any more"),
    "dc_c_pmet": ("达成概率", "P(met)"),
    "dc_c_demand": ("期限时需求 P50 [P10–P90]", "Demand at deadline P50 [P10–P90]"),
    "dc_c_cap": ("期限时算力 P50 [P10–P90]", "Capacity at deadline P50 [P10–P90]"),
    "dc_c_add": ("需增加", "Add"),
    "dc_c_start": ("最晚开工", "Start by"),
    "dc_c_capex": ("投资（百万元）", "Capex (million CNY)"),
    "dc_c_power": ("满载功率（MW）", "Power at full load (MW)"),
    "dc_c_util": ("利用率", "Utilisation"),
    "dc_t_chart": ("期限时：需求、算力与目标（P）", "At the deadline: demand, capacity, target (P)"),
    "dc_l_demand": ("需求", "Demand"),
    "dc_l_capacity": ("算力", "Capacity"),
    "dc_l_fixed": ("补足后", "With the fix"),
    "dc_l_band": ("P10–P90", "P10–P90"),
    "dc_l_target": ("目标", "Target"),
    "dc_source_plan": ("补足方案来自倒推规划（capsim plan），已用模拟核验：达成概率 {p}。",
                       "The fix is the plan's backcast (capsim plan), checked by simulation: "
                       "P(met) {p} with it."),
    "dc_source_estimate": ("补足方案为估算：增加量 = 目标 − 期限时算力 P10，开工 = 期限 − 最长工期（取仍来得及的最长工期建设方式）；capsim plan 会用模拟核验。",
                           "The fix is an estimate: add = target − capacity P10 at the deadline, "
                           "start = deadline − the longest build (of the slowest build class that "
                           "can still start); capsim plan checks it by simulation."),
    "dc_too_late_mark": ("已来不及", "too late"),
    "pl_s_before": ("来不及（早于 {m}）", "too late (before {m})"),
    "pl_too_late_asof": ("{cls}须在 {m} 前开工，早于 {asof}：已来不及", "{cls} had to start "
                         "by {m}, before {asof}: too late"),
    "c_pmet_zero": ("各情景、各目标的达成概率均为 0%：差异见缺口与下方指标。",
                    "P(met) is 0 % for every target in every scenario: see the gaps and the "
                    "figures below."),
    "c_by_end_short": ("（期末 {p}）", "(by end {p})"),
    "c_unclear": ("无明显差异", "no clear difference"),
    "l_by_scenario": ("颜色 = 情景", "colour = scenario"),
    "c_horizons": ("注意：各情景模拟期不同（{items}）；累计指标只按共同的月份比较。",
                   "Note: the horizons differ ({items}); the totals compare the months all "
                   "scenarios share."),
    "s_axis_base": ("横轴从基准值展开，不从零开始", "the axis spreads from the base, not from zero"),
    "sw_pmet_flat": ("达成概率在扫描的每一点都是 {p}：请看缺口。", "P(met) is {p} at every point of "
                     "the sweep: see the gap."),
    "t_capacity_only": ("{label}算力", "{label} capacity"),
    "c_types": ("注意：各情景的计算类型不同（{items}）。", "Note: the compute types differ ({items})."),
    "dc_none": ("已达成，无需增加", "met, nothing to add"),
}
