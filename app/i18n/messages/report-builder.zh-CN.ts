// HR credit reports, second round: people who have left, choosing a residential area as the
// report's root, the chart by two groupings and the dashboard's month trend.
export const reportBuilderZh = {
  "reportBuilder.leavers": "已离开人员",
  "reportBuilder.leavers.past": "计入往年，不计入本年度（默认）",
  "reportBuilder.leavers.all": "所有年度都计入",
  "reportBuilder.leavers.none": "不计入（只统计在职人员）",
  "reportBuilder.leavers.hint": "已离开的人员计入其最后所在单位，只在有学分记录的年度计入。",
  "reportBuilder.left": "已离开",
  "reportBuilder.area": "社区（可选）",
  "reportBuilder.areaWhole": "整个街道",
  "reportBuilder.areaHint": "先选择街道并生成报表，这里就会列出该街道下的社区。",
  "reportBuilder.errors.area": "该社区不在所选街道之下",
  "reportBuilder.charts.two": "{figure} · {first} × {second}",
  "reportBuilder.charts.heatHint": "颜色越深，数值越高；表格中是确切数值。",
  "reportBuilder.charts.months": "{year}年各月学分",
  "reportBuilder.charts.monthsHint": "与按月份分组的学分报表数字一致（默认口径）。",
  "reportBuilder.charts.monthsReport": "按月份查看报表",
} as const;
