import type { reportBuilderZh } from "./report-builder.zh-CN";

export const reportBuilderEn: Record<keyof typeof reportBuilderZh, string> = {
  "reportBuilder.leavers": "People who have left",
  "reportBuilder.leavers.past": "Counted in past years, not this year (default)",
  "reportBuilder.leavers.all": "Counted in every year",
  "reportBuilder.leavers.none": "Not counted (people employed today only)",
  "reportBuilder.leavers.hint": "People who have left count in their last unit, and only in years with credit entries.",
  "reportBuilder.left": "Left",
  "reportBuilder.area": "Residential area (optional)",
  "reportBuilder.areaWhole": "The whole street",
  "reportBuilder.areaHint": "Choose a street and run the report: its residential areas are then listed here.",
  "reportBuilder.errors.area": "That residential area is not in the chosen street",
  "reportBuilder.charts.two": "{figure} · {first} × {second}",
  "reportBuilder.charts.heatHint": "The darker the cell, the higher the figure; the cells hold the exact figures.",
  "reportBuilder.charts.months": "Points by month, {year}",
  "reportBuilder.charts.monthsHint": "The same figures as the credit report grouped by month (default settings).",
  "reportBuilder.charts.monthsReport": "Open the report by month",
};
