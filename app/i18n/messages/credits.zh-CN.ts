// Credits: the yearly status and the policy editor's validation messages. Point amounts in
// parameters arrive as centipoints and are formatted as points before translation.
export const creditsZh = {
  "credits.status.pointsShort": "已计 {counted} 分，要求 {required} 分，还差 {short} 分",
  "credits.status.inPersonShort": "线下面授 {inPerson} 分，至少需要 {minInPerson} 分，还差 {short} 分",
  "credits.status.competenciesShort": "已覆盖 {covered} 项素养，至少需要 {minCompetencies} 项，还差 {short} 项",
  "credits.status.onlineCapped": "线上学习 {online} 分，超出上限 {cap} 分的 {excluded} 分不计入",
  "credits.status.rolloverApplied": "含上年结转 {rolloverIn} 分",

  "credits.category.in_person": "线下面授",
  "credits.category.online": "线上学习",
  "credits.category.camp": "训练营",
  "credits.category.external": "外部培训",
  "credits.category.adjustment": "调整",

  "policy.errors.notInteger": "请输入整数",
  "policy.errors.negative": "不能为负数",
  "policy.errors.notPositive": "必须大于零",
  "policy.errors.minAboveRequired": "最低要求不能高于年度总要求",
  "policy.errors.rolloverAboveRequired": "结转上限不能高于年度总要求",
  "policy.errors.minCompetenciesTooHigh": "要求覆盖的素养数量过多",
  "policy.errors.hourRulesEmpty": "至少需要一条学时折算规则",
  "policy.errors.hourRuleDuplicate": "学时折算规则的起点分钟数不能重复",
  "policy.errors.hourRuleNotMonotonic": "时长越长，折算的学时不能越少",
  "policy.errors.hourRuleBeyondHour": "折算规则的起点不能超过一学时的分钟数",
  "policy.errors.hourRuleAboveOneHour": "一条规则折算的学时不能超过 1",
  "policy.errors.hourRuleStep": "学时须为 0.5 的倍数",
  "policy.errors.absenceFraction": "缺勤上限须为 0 到 1 之间的分数",
  "policy.errors.invalidJson": "政策数据格式不正确",
} as const;
