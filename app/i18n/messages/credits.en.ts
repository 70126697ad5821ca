import type { creditsZh } from "./credits.zh-CN";

export const creditsEn: Record<keyof typeof creditsZh, string> = {
  "credits.status.pointsShort": "{counted} points counted of {required} required: {short} short",
  "credits.status.inPersonShort": "{inPerson} in-person points of the {minInPerson} minimum: {short} short",
  "credits.status.competenciesShort": "{covered} competencies covered of the {minCompetencies} minimum: {short} short",
  "credits.status.onlineCapped": "{online} online points; {excluded} above the {cap}-point cap do not count",
  "credits.status.rolloverApplied": "Includes {rolloverIn} points carried over from last year",

  "credits.category.in_person": "In person",
  "credits.category.online": "Online",
  "credits.category.camp": "Camp",
  "credits.category.external": "External training",
  "credits.category.adjustment": "Adjustment",

  "policy.errors.notInteger": "Enter a whole number",
  "policy.errors.negative": "Must not be negative",
  "policy.errors.notPositive": "Must be greater than zero",
  "policy.errors.minAboveRequired": "A minimum cannot exceed the yearly requirement",
  "policy.errors.rolloverAboveRequired": "The rollover cap cannot exceed the yearly requirement",
  "policy.errors.minCompetenciesTooHigh": "Too many competencies required",
  "policy.errors.hourRulesEmpty": "At least one hour-conversion rule is needed",
  "policy.errors.hourRuleDuplicate": "Two hour-conversion rules start at the same minute",
  "policy.errors.hourRuleNotMonotonic": "A longer session cannot convert to fewer hours",
  "policy.errors.hourRuleBeyondHour": "A rule cannot start beyond the minutes of one hour",
  "policy.errors.hourRuleAboveOneHour": "One rule cannot convert to more than 1 hour",
  "policy.errors.hourRuleStep": "Hours must be multiples of 0.5",
  "policy.errors.absenceFraction": "The absence limit must be a fraction between 0 and 1",
  "policy.errors.invalidJson": "The policy data is malformed",
};
