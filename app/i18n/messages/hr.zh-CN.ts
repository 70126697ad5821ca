// HR desk pages beyond the home page.
export const hrZh = {
  "approvals.title": "报名审批",
  "approvals.intro": "以下学员报名了需要街道审批的班级。批准后按名额入班，名额已满时进入候补名单。",
  "approvals.none": "目前没有待审批的报名。",
  "approvals.requestedAt": "申请时间 {date}",
  "approvals.seats": "名额 {taken} / {capacity}",
  "approvals.approve": "批准",
  "approvals.decline": "不批准",
  "approvals.reason": "原因",
  "approvals.reasonHint": "不批准时必填，学员会看到",
  "approvals.approved": "已批准：{name}（{state}）",
  "approvals.declined": "已不批准：{name}",
  "nav.approvals": "报名审批",
} as const;
