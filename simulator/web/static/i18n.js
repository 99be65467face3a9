/* The page's words in Chinese and English; `t(key)` in the current language. */
"use strict";
const WORDS = {
  title: ["算力规划工作台", "planning workbench"],
  scenario: ["情景", "Scenario"], replications: ["模拟次数", "Replications"],
  pin: ["钉住对比", "Pin to compare"], unpin: ["清除", "Clear"],
  saveas: ["另存为假设情景", "Save as what-if"], download: ["下载", "Download"],
  form: ["常改参数", "Main inputs"], yaml: ["YAML 编辑", "YAML"],
  fan: ["装机容量与目标（P10–P90）", "Capacity against target (P10–P90)"],
  gantt: ["建设进度（开工 → 投运 P10–P90）", "Build-out (start → online, P10–P90)"],
  demand: ["需求、已服务与缺口", "Demand, served and unmet"],
  money: ["资金（百万元，累计）", "Money (million CNY, cumulative)"],
  compare: ["情景对比（* 为未保存的修改）", "Compare (* unsaved changes)"], overlay: ["容量中位数与区间叠加", "Capacity P50 and band, overlaid"],
  diff: ["假设差异", "Assumptions that differ"],
  filename: ["文件名", "File name"], sname: ["情景名称", "Scenario name"],
  savehelp: ["新文件 extends 当前文件，只写入改动的内容。", "The new file extends the open one and holds only what changed."],
  cancel: ["取消", "Cancel"], save: ["保存", "Save"],
  pmet: ["达标概率", "P(met)"], capat: ["截止时容量 P50 [P10–P90]", "Capacity at deadline P50 [P10–P90]"],
  gap: ["缺口 P50", "Gap P50"], metby: ["达标月份 P50", "Month met P50"], never: ["期内未达标", "not by end"],
  target: ["目标", "Target"], by: ["截止", "by"],
  running: ["计算中…", "running…"], updated: ["已更新", "updated"], invalid: ["情景有误", "invalid"],
  problems: ["个问题：显示的是上一次有效结果", "problem(s): the answers shown are from the last valid version"],
  build: ["建设", "Build-out"], negot: ["洽谈中的企业", "Negotiations"], events: ["事件", "Events"],
  growth: ["需求年增长", "Demand growth per year"], sched: ["调度", "Scheduling"],
  start: ["开工", "start"], build_months: ["工期（月）最短/最可能/最长", "build months min/mode/max"],
  probability: ["签约概率", "P(sign)"], sign_earliest: ["最早签约", "sign earliest"],
  sign_latest: ["最晚签约", "sign latest"], event_probability: ["发生概率", "probability"],
  policy: ["调度策略", "policy"], priority: ["先签先得 priority", "priority"],
  proportional: ["按比例 proportional", "proportional"],
  capacity: ["装机", "installed"], median: ["中位数", "median"], band: ["P10–P90", "P10–P90"],
  served: ["已服务", "served"], unmet: ["未满足", "unmet"], demandw: ["需求", "demand"],
  capex: ["建设投资", "capex"], energy: ["电费", "electricity"], revenue: ["收入", "revenue"],
  online: ["投运", "online"], building: ["建设中", "building"],
  pins: ["钉住的情景", "pinned"], saved: ["已保存", "saved"], lost: ["无法在 what-if 中删除：", "cannot be removed by a what-if: "],
  noprob: ["没有问题", "no problems"], warning: ["提示", "warning"], other: ["（来自被继承的文件）", "(in the file it extends)"],
};
let LANG = localStorage.getItem("capsim.lang") || "zh";
const t = (k) => (WORDS[k] ? WORDS[k][LANG === "zh" ? 0 : 1] : k);
const pick = (obj, key) => (LANG === "en" && obj[key + "_en"]) ? obj[key + "_en"] : obj[key];
function applyWords() {
  document.documentElement.lang = LANG;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  document.getElementById("lang").textContent = LANG === "zh" ? "EN" : "中文";
  document.title = "capsim · " + t("title");
}
