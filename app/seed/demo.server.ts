// The demo: a realistic, deterministic Changning District (长宁区) with three years of
// training history, so every page of the app has something true to show on first start.
// `npm run seed` (scripts/seed.ts) and the server's first start (ensureDemoSeeded) use it.
//
// Deterministic: a seeded PRNG, never Math.random; only the dates move with `now`, so the
// demo always has a past, a present (a boot camp being marked) and upcoming classes.
// The people are fictitious; the four streets are Changning's real subdistricts.
import { completionSourceKey } from "~/enrolment/completion.server";
import { awardCredits, awardCreditsMany, reverseEntry, splitByWeights, type AwardInput } from "~/credits/ledger.server";
import { DEFAULT_POLICY_RULES, pointsForMinutes, serializePolicyRules } from "~/credits/policy";
import type { Db, DbTx } from "~/utils/db.server";
import { env } from "~/utils/env.server";

/** The shared password of every demo account. */
export const DEMO_PASSWORD = "lane-demo";
/** The named demo accounts; every other person signs in with their employee number. */
export const DEMO_USERNAMES = ["admin", "hr", "hr-street", "trainer", "trainer2", "trainer3", "secretary"] as const;

// ================================================================ content

type StreetSpec = { code: string; nameZh: string; nameEn: string; areas: [string, string][] };

const DISTRICT = { code: "CN", nameZh: "长宁区", nameEn: "Changning District" };

const STREETS: StreetSpec[] = [
  {
    code: "HY",
    nameZh: "华阳路街道",
    nameEn: "Huayang Road Subdistrict",
    areas: [
      ["华阳", "Huayang"],
      ["陶家宅", "Taojiazhai"],
      ["秀水", "Xiushui"],
      ["大西别墅", "Daxi Villas"],
      ["长宁支路", "Changning Branch Road"],
      ["飞乐", "Feile"],
      ["姚家角", "Yaojiajiao"],
      ["西镇", "Xizhen"],
      ["利西", "Lixi"],
    ],
  },
  {
    code: "JS",
    nameZh: "江苏路街道",
    nameEn: "Jiangsu Road Subdistrict",
    areas: [
      ["北汪", "Beiwang"],
      ["长新", "Changxin"],
      ["愚三", "Yusan"],
      ["西浜", "Xibang"],
      ["东浜", "Dongbang"],
      ["岐山", "Qishan"],
      ["华山", "Huashan"],
      ["曹家堰", "Caojiayan"],
    ],
  },
  {
    code: "XH",
    nameZh: "新华路街道",
    nameEn: "Xinhua Road Subdistrict",
    areas: [
      ["新华", "Xinhua"],
      ["法华", "Fahua"],
      ["梅泉", "Meiquan"],
      ["香花", "Xianghua"],
      ["新华一村", "Xinhua Village One"],
      ["番禺", "Panyu"],
      ["牛桥浜", "Niuqiaobang"],
      ["红庄", "Hongzhuang"],
    ],
  },
  {
    code: "TS",
    nameZh: "天山路街道",
    nameEn: "Tianshan Road Subdistrict",
    areas: [
      ["天山", "Tianshan"],
      ["遵义", "Zunyi"],
      ["茅台", "Maotai"],
      ["仙霞", "Xianxia"],
      ["紫云", "Ziyun"],
      ["天义", "Tianyi"],
      ["联建", "Lianjian"],
      ["古北", "Gubei"],
      ["娄山", "Loushan"],
    ],
  },
];

const POST_TYPES = [
  { code: "head", nameZh: "负责人", nameEn: "Head", minGrade: 7, maxGrade: 18, sortOrder: 1 },
  { code: "supervisor", nameZh: "主管", nameEn: "Supervisor", minGrade: 4, maxGrade: 15, sortOrder: 2 },
  { code: "staff", nameZh: "工作人员", nameEn: "Staff", minGrade: 1, maxGrade: 12, sortOrder: 3 },
] as const;

const SURNAMES = [
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
  "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
  "潘", "蒋", "蔡", "余", "杜", "叶", "程", "沈", "顾", "陆", "钱", "施", "姚", "戴", "俞", "金", "汪", "范",
];
const GIVEN_FEMALE = [
  "丽", "敏", "静", "燕", "艳", "娟", "霞", "芳", "红", "玲", "萍", "华", "慧", "琳", "洁", "莉", "雯", "婷",
  "佳", "颖", "倩", "蓉", "晓", "秀", "美", "春", "月", "雪", "梅", "兰", "菊", "文", "嘉", "欣", "怡", "琴",
];
const GIVEN_MALE = [
  "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "建", "国", "峰", "斌",
  "波", "宇", "浩", "凯", "健", "俊", "文", "忠", "林", "立", "德", "志", "海", "晨", "毅", "鸣", "栋", "荣",
];

type CompetencyCode =
  | "political"
  | "residents"
  | "coordination"
  | "mediation"
  | "law"
  | "services"
  | "emergency"
  | "communication"
  | "digital"
  | "innovation";

const COMPETENCIES: { code: CompetencyCode; nameZh: string; nameEn: string; descriptionZh: string; descriptionEn: string }[] = [
  { code: "political", nameZh: "政治引领", nameEn: "Political leadership", descriptionZh: "把党的路线方针政策落实到居民区，发挥党组织的领导核心作用。", descriptionEn: "Carry Party policy into the neighbourhood and lead through the Party organisation." },
  { code: "residents", nameZh: "群众工作", nameEn: "Working with residents", descriptionZh: "走访入户、倾听诉求、动员居民参与社区事务。", descriptionEn: "Visit households, listen to residents and involve them in community affairs." },
  { code: "coordination", nameZh: "组织协调", nameEn: "Organising and coordinating", descriptionZh: "统筹居委会、业委会、物业和驻区单位等多方力量。", descriptionEn: "Bring the residents' committee, owners' committee, property managers and local organisations together." },
  { code: "mediation", nameZh: "矛盾调解", nameEn: "Mediating disputes", descriptionZh: "及时发现并化解邻里、物业和家庭纠纷。", descriptionEn: "Spot and resolve neighbour, property and family disputes early." },
  { code: "law", nameZh: "依法治理", nameEn: "Governing by law", descriptionZh: "依法依规开展居民自治和社区管理。", descriptionEn: "Run self-governance and community management within the law." },
  { code: "services", nameZh: "社区服务", nameEn: "Community services", descriptionZh: "为老、助残、救助、托育等民生服务的组织与落实。", descriptionEn: "Organise and deliver services for the elderly, the disabled, families and people in need." },
  { code: "emergency", nameZh: "应急处置", nameEn: "Emergency response", descriptionZh: "防汛防台、消防安全、公共卫生等突发事件的预防与处置。", descriptionEn: "Prevent and handle floods, typhoons, fires, public-health and other emergencies." },
  { code: "communication", nameZh: "沟通表达", nameEn: "Communication (spoken and written)", descriptionZh: "会议主持、公开发言、公文与宣传材料写作。", descriptionEn: "Chair meetings, speak in public, write documents and publicity." },
  { code: "digital", nameZh: "数字治理", nameEn: "Digital tools", descriptionZh: "运用“一网通办”“一网统管”等平台和数据开展精细化治理。", descriptionEn: "Use the city's online service and management platforms and data for fine-grained governance." },
  { code: "innovation", nameZh: "创新发展", nameEn: "Innovation", descriptionZh: "探索社区治理新方法，形成可推广的经验。", descriptionEn: "Try new ways of community governance and turn them into practice others can use." },
];

const LEVELS = [
  { rank: 1, code: "new", nameZh: "新任", nameEn: "Newly appointed", descriptionZh: "新任书记和新入职社区工作者的履职基础。", descriptionEn: "Foundations for new secretaries and newly hired community workers." },
  { rank: 2, code: "core", nameZh: "骨干", nameEn: "Core", descriptionZh: "面向有一定经验的骨干，提升专项工作能力。", descriptionEn: "For experienced staff: deepen specialist skills." },
  { rank: 3, code: "model", nameZh: "示范", nameEn: "Model", descriptionZh: "面向优秀书记，形成示范经验。", descriptionEn: "For outstanding secretaries: build practice others can follow." },
  { rank: 4, code: "leading", nameZh: "领军", nameEn: "Leading", descriptionZh: "面向领军人才，带教与创新。", descriptionEn: "For leading figures: mentoring and innovation." },
] as const;

type CourseSpec = {
  code: string;
  level: 1 | 2 | 3 | 4;
  mode: "in_person" | "online" | "camp";
  minutes: number;
  titleZh: string;
  titleEn: string;
  summaryZh: string;
  summaryEn: string;
  weights: Partial<Record<CompetencyCode, number>>;
  prerequisite?: string;
  hasAssessment?: boolean;
};

const CAMP_COURSE = "CN-L3-07";

const COURSES: CourseSpec[] = [
  // ------------------------------------------------------------ level 1 新任
  { code: "CN-L1-01", level: 1, mode: "in_person", minutes: 360, titleZh: "居民区党组织书记履职入门", titleEn: "Getting started as a residential-area Party secretary", summaryZh: "书记的职责、工作制度与第一年的工作方法。", summaryEn: "The secretary's duties, working rules and methods for the first year.", weights: { political: 50, coordination: 30, residents: 20 } },
  { code: "CN-L1-02", level: 1, mode: "in_person", minutes: 360, titleZh: "走访入户与群众工作方法", titleEn: "Door-to-door visits and working with residents", summaryZh: "“四必访”走访制度、民情日记与诉求办理闭环。", summaryEn: "Home-visit routines, case notes and closing the loop on residents' requests.", weights: { residents: 70, communication: 30 } },
  { code: "CN-L1-03", level: 1, mode: "online", minutes: 90, titleZh: "社区治理法律法规基础", titleEn: "Basic laws and regulations for community governance", summaryZh: "居民委员会组织法、民法典物权编等基本法律知识。", summaryEn: "The Residents' Committee Law, the property chapters of the Civil Code and other basics.", weights: { law: 100 } },
  { code: "CN-L1-04", level: 1, mode: "in_person", minutes: 180, titleZh: "居委会选举与议事规则", titleEn: "Residents' committee elections and meeting rules", summaryZh: "换届选举流程与居民议事会的组织方法。", summaryEn: "How committee elections run and how to organise residents' councils.", weights: { law: 40, coordination: 60 } },
  { code: "CN-L1-05", level: 1, mode: "online", minutes: 60, titleZh: "社区公文写作", titleEn: "Writing official documents for the community", summaryZh: "通知、报告、会议纪要的规范写法。", summaryEn: "Notices, reports and minutes, written properly.", weights: { communication: 100 } },
  { code: "CN-L1-06", level: 1, mode: "online", minutes: 45, titleZh: "“一网通办”与社区信息平台", titleEn: "The one-stop online service and community platforms", summaryZh: "帮居民在线办事，熟悉社区工作平台。", summaryEn: "Helping residents with online services; the community work platforms.", weights: { digital: 80, services: 20 } },
  { code: "CN-L1-07", level: 1, mode: "in_person", minutes: 180, titleZh: "社区应急基础", titleEn: "Emergency basics for communities", summaryZh: "消防安全、急救常识与应急预案。", summaryEn: "Fire safety, first aid and emergency plans.", weights: { emergency: 100 } },
  { code: "CN-L1-08", level: 1, mode: "online", minutes: 90, titleZh: "为老服务与社会救助政策", titleEn: "Elderly care and social assistance policy", summaryZh: "养老服务、低保与临时救助政策解读。", summaryEn: "Elderly services, minimum-income support and emergency assistance explained.", weights: { services: 100 } },
  { code: "CN-L1-09", level: 1, mode: "online", minutes: 60, titleZh: "社区党员教育管理", titleEn: "Educating and managing Party members in the community", summaryZh: "在职党员报到、离退休党员服务与组织生活。", summaryEn: "Registering working members, serving retired members, branch life.", weights: { political: 100 } },
  { code: "CN-L1-10", level: 1, mode: "in_person", minutes: 180, titleZh: "社区工作者职业素养与心理调适", titleEn: "Professional conduct and resilience for community workers", summaryZh: "职业伦理、压力管理与自我关怀。", summaryEn: "Professional ethics, handling pressure and looking after yourself.", weights: { communication: 50, services: 50 } },
  // ------------------------------------------------------------ level 2 骨干
  { code: "CN-L2-01", level: 2, mode: "in_person", minutes: 360, titleZh: "党建引领社区治理实务", titleEn: "Party-building-led community governance in practice", summaryZh: "区域化党建、“三会一课”与治理项目化。", summaryEn: "Area-wide Party building, branch routines and running governance as projects.", weights: { political: 60, coordination: 40 }, prerequisite: "CN-L1-01" },
  { code: "CN-L2-02", level: 2, mode: "in_person", minutes: 360, titleZh: "邻里纠纷调解技巧", titleEn: "Mediating neighbour disputes", summaryZh: "噪音、漏水、停车等常见纠纷的调解步骤与话术。", summaryEn: "Steps and phrasing for noise, leak, parking and other common disputes.", weights: { mediation: 70, communication: 30 }, prerequisite: "CN-L1-02" },
  { code: "CN-L2-03", level: 2, mode: "in_person", minutes: 180, titleZh: "物业与业委会协调", titleEn: "Working with property managers and owners' committees", summaryZh: "“三驾马车”联动机制与维修资金使用。", summaryEn: "Joint working of the three parties and the use of repair funds.", weights: { coordination: 50, mediation: 30, law: 20 }, prerequisite: "CN-L1-04" },
  { code: "CN-L2-04", level: 2, mode: "in_person", minutes: 480, titleZh: "旧区改造与加装电梯群众工作", titleEn: "Resident work for old-housing renewal and lift installation", summaryZh: "四次晚间系列课：意见征询、利益协调与施工期服务。", summaryEn: "Four evening sessions: consultation, balancing interests, support during works.", weights: { residents: 50, mediation: 30, coordination: 20 } },
  { code: "CN-L2-05", level: 2, mode: "in_person", minutes: 360, titleZh: "社区防汛防台与应急演练", titleEn: "Flood and typhoon preparedness and drills", summaryZh: "风险排查、转移安置与桌面推演。", summaryEn: "Risk surveys, evacuation and tabletop exercises.", weights: { emergency: 80, coordination: 20 }, prerequisite: "CN-L1-07" },
  { code: "CN-L2-06", level: 2, mode: "online", minutes: 120, titleZh: "数据看板与社区精细化管理", titleEn: "Data dashboards for fine-grained community management", summaryZh: "用好“一网统管”社区数据看板。", summaryEn: "Making good use of the city-management data dashboards.", weights: { digital: 100 } },
  { code: "CN-L2-07", level: 2, mode: "in_person", minutes: 180, titleZh: "公众表达与媒体沟通", titleEn: "Public speaking and talking to the media", summaryZh: "居民大会发言、接受采访与短视频宣传。", summaryEn: "Speaking at residents' meetings, giving interviews, short-video publicity.", weights: { communication: 100 } },
  { code: "CN-L2-08", level: 2, mode: "online", minutes: 90, titleZh: "社区志愿服务组织与管理", titleEn: "Organising and managing community volunteers", summaryZh: "志愿者招募、激励与服务记录。", summaryEn: "Recruiting, motivating and recording volunteers.", weights: { services: 60, residents: 40 } },
  { code: "CN-L2-09", level: 2, mode: "online", minutes: 60, titleZh: "社区服务项目申报", titleEn: "Applying for community service projects", summaryZh: "公益项目申报书的写法与预算编制。", summaryEn: "Writing a project application and its budget.", weights: { services: 50, communication: 50 } },
  { code: "CN-L2-10", level: 2, mode: "in_person", minutes: 360, titleZh: "社区议事协商实务", titleEn: "Community deliberation in practice", summaryZh: "议题征集、协商会议主持与决议落实。", summaryEn: "Collecting issues, chairing deliberation and carrying out decisions.", weights: { coordination: 60, residents: 40 } },
  // ------------------------------------------------------------ level 3 示范
  { code: "CN-L3-01", level: 3, mode: "in_person", minutes: 360, titleZh: "“人民城市”理念与基层实践", titleEn: "The people's-city idea in grassroots practice", summaryZh: "全过程人民民主在居民区的实践案例。", summaryEn: "Cases of whole-process people's democracy in residential areas.", weights: { political: 70, innovation: 30 }, prerequisite: "CN-L2-01" },
  { code: "CN-L3-02", level: 3, mode: "in_person", minutes: 360, titleZh: "复杂矛盾化解案例研讨", titleEn: "Case workshop: resolving complex disputes", summaryZh: "群体性诉求与信访积案的化解路径。", summaryEn: "Ways through collective grievances and long-standing petitions.", weights: { mediation: 60, law: 40 }, prerequisite: "CN-L2-02" },
  { code: "CN-L3-03", level: 3, mode: "in_person", minutes: 360, titleZh: "社区营造与参与式预算", titleEn: "Community building and participatory budgeting", summaryZh: "微更新、自治金与居民参与的设计。", summaryEn: "Micro-renewal, self-governance funds and designing for participation.", weights: { innovation: 50, residents: 50 } },
  { code: "CN-L3-04", level: 3, mode: "online", minutes: 120, titleZh: "“15分钟社区生活圈”规划", titleEn: "Planning the 15-minute community life circle", summaryZh: "生活圈配套评估与居民需求调查。", summaryEn: "Assessing local amenities and surveying residents' needs.", weights: { services: 60, innovation: 40 } },
  { code: "CN-L3-05", level: 3, mode: "in_person", minutes: 180, titleZh: "社区舆情与突发事件处置", titleEn: "Handling public opinion and incidents", summaryZh: "舆情研判、信息发布与现场处置。", summaryEn: "Reading public opinion, issuing information, handling the scene.", weights: { emergency: 50, communication: 50 }, prerequisite: "CN-L2-05" },
  { code: "CN-L3-06", level: 3, mode: "online", minutes: 90, titleZh: "法治社区建设", titleEn: "Building a rule-of-law community", summaryZh: "居民公约、法律顾问与依法议事。", summaryEn: "Residents' conventions, legal advisers and lawful deliberation.", weights: { law: 100 } },
  { code: CAMP_COURSE, level: 3, mode: "camp", minutes: 2400, titleZh: "社区项目设计动力营", titleEn: "Community project design boot camp", summaryZh: "五天四晚封闭式工作坊：组队完成一个真实的社区项目（背景、设计、预算、成效），最后一天向导师和评委路演。", summaryEn: "Five days and four nights, closed workshop: teams build a real community project (background, design, budget, impact) and present it to mentors and judges on the last day.", weights: { innovation: 30, coordination: 25, residents: 25, communication: 20 }, hasAssessment: true },
  // ------------------------------------------------------------ level 4 领军
  { code: "CN-L4-01", level: 4, mode: "in_person", minutes: 360, titleZh: "基层治理创新与领军人才", titleEn: "Governance innovation for leading secretaries", summaryZh: "从经验到模式：治理创新的提炼与推广。", summaryEn: "From experience to model: distilling and spreading governance innovation.", weights: { innovation: 60, political: 40 }, prerequisite: "CN-L3-01" },
  { code: "CN-L4-02", level: 4, mode: "in_person", minutes: 480, titleZh: "超大城市社区治理比较研究", titleEn: "Comparative study of megacity community governance", summaryZh: "四次研讨：国内外超大城市社区治理比较。", summaryEn: "Four seminars comparing community governance in megacities at home and abroad.", weights: { innovation: 50, digital: 50 } },
  { code: "CN-L4-03", level: 4, mode: "in_person", minutes: 180, titleZh: "书记工作室带教方法", titleEn: "Mentoring through the secretary's studio", summaryZh: "“传帮带”的方法与带教计划。", summaryEn: "How to mentor newer secretaries, and a mentoring plan.", weights: { communication: 50, coordination: 50 }, prerequisite: "CN-L3-03" },
  { code: "CN-L4-04", level: 4, mode: "online", minutes: 120, titleZh: "数字治理场景设计", titleEn: "Designing digital governance scenarios", summaryZh: "从居民需求出发设计数字化应用场景。", summaryEn: "Designing digital applications from residents' needs.", weights: { digital: 70, innovation: 30 } },
  { code: "CN-L4-05", level: 4, mode: "in_person", minutes: 360, titleZh: "重大风险研判与应急指挥", titleEn: "Assessing major risks and commanding emergency response", summaryZh: "风险地图、指挥体系与复盘。", summaryEn: "Risk maps, command structures and after-action reviews.", weights: { emergency: 60, political: 40 }, prerequisite: "CN-L3-05" },
  { code: "CN-L4-06", level: 4, mode: "online", minutes: 90, titleZh: "群众工作经验萃取与案例写作", titleEn: "Distilling resident-work experience into case studies", summaryZh: "把好做法写成好案例。", summaryEn: "Turning good practice into good case studies.", weights: { communication: 60, residents: 40 } },
];

/** Outside training imported as "external" credits (district Party school and the like). */
const EXTERNAL_PROGRAMMES: { noteZh: string; weights: Partial<Record<CompetencyCode, number>> }[] = [
  { noteZh: "区委党校专题轮训（外部学时导入）", weights: { political: 60, law: 40 } },
  { noteZh: "市社区工作者协会专题讲座（外部学时导入）", weights: { services: 50, residents: 50 } },
  { noteZh: "区应急管理局应急救护培训（外部学时导入）", weights: { emergency: 100 } },
  { noteZh: "区司法局人民调解员培训（外部学时导入）", weights: { mediation: 60, law: 40 } },
  { noteZh: "区数据局数字化转型讲座（外部学时导入）", weights: { digital: 70, innovation: 30 } },
];

const TEAMS = ["红枫队", "梧桐队", "香樟队", "银杏队"];

const PROJECT_IDEAS = [
  { title: "弄堂口的共享客厅", background: "老旧小区缺少公共活动空间，老人们只能在弄堂口站着聊天。", design: "把闲置的自行车棚改造成共享客厅，居民议事会共同制定使用公约。", budget: "改造 6.8 万元（街道自治金 4 万元，驻区单位捐助 2.8 万元），年运营 0.6 万元。", impact: "每周服务老人约 200 人次，形成一个由 12 名志愿者维护的自治空间。" },
  { title: "加装电梯“一幢一议”工作法", background: "6 幢多层住宅有加梯意愿，但低层住户顾虑多，协商多次未果。", design: "每幢成立议事小组，请已加梯小区居民现身说法，引入第三方评估。", budget: "协商与评估费用 1.5 万元，由街道专项经费支出。", impact: "一年内 3 幢达成一致并开工，形成可复制的协商流程。" },
  { title: "独居老人“一键有应”守护网", background: "居民区 60 岁以上独居老人 86 人，夜间突发情况无人知晓。", design: "楼组长结对 + 智能水表异常提醒 + 每日电话问候的三重守护。", budget: "设备 3.2 万元，志愿者培训 0.8 万元。", impact: "异常情况 30 分钟内响应，覆盖全部独居老人。" },
  { title: "垃圾分类“绿色账户”积分超市", background: "湿垃圾分出率停滞在 70%，年轻住户参与度低。", design: "线上积分兑换 + 周末亲子积分市集，积分可兑换社区服务。", budget: "首年物资 2.4 万元，由物业和驻区企业共同承担。", impact: "分出率提升到 90% 以上，新增 40 户青年家庭参与。" },
];

/** Chinese and English texts: the English pages show titleEn etc. (rubric-text.ts). */
const RUBRIC_CRITERIA: { title: string; titleEn: string; description: string; descriptionEn: string; competency: CompetencyCode; weight: number }[] = [
  {
    title: "问题与背景分析",
    titleEn: "Problem and background",
    description: "有居民诉求、数据和居民声音作为依据。",
    descriptionEn: "Evidence of residents' needs, data and voices.",
    competency: "residents",
    weight: 20,
  },
  { title: "方案设计与可行性", titleEn: "Design and feasibility", description: "方案切实可行，能够真正落地。", descriptionEn: "A plan that can really be carried out.", competency: "innovation", weight: 25 },
  { title: "多方协同与资源整合", titleEn: "Coordination and resources", description: "谁参与、各方带来什么。", descriptionEn: "Who takes part and what each brings.", competency: "coordination", weight: 20 },
  {
    title: "预算与可持续性",
    titleEn: "Budget and sustainability",
    description: "成本测算实际，第一年之后由谁出资。",
    descriptionEn: "Realistic costs and who pays after year one.",
    competency: "services",
    weight: 15,
  },
  { title: "路演表达", titleEn: "Presentation", description: "清楚、有说服力、不超时。", descriptionEn: "Clear, convincing, within time.", competency: "communication", weight: 20 },
];

/** Level points are a percentage of the criterion (× weight / 100 gives the criterion's share). */
const RUBRIC_LEVELS = [
  { label: "优秀", labelEn: "Excellent", descriptor: "完整、有说服力，可以直接实施。", descriptorEn: "Complete, convincing, ready to carry out.", points: 100 },
  { label: "良好", labelEn: "Good", descriptor: "扎实，有小的欠缺。", descriptorEn: "Sound, with minor gaps.", points: 80 },
  { label: "合格", labelEn: "Adequate", descriptor: "符合要求，但有明显不足。", descriptorEn: "Meets the brief, with clear weaknesses.", points: 60 },
  { label: "待改进", labelEn: "Needs work", descriptor: "缺少必要内容。", descriptorEn: "Missing essential parts.", points: 30 },
];

// ================================================================ randomness and time

/** mulberry32: small, fast and the same on every machine, so the demo is the same too. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    shuffle: <T>(items: readonly T[]): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy;
    },
    hex: (bytes: number) =>
      Array.from({ length: bytes }, () => Math.floor(next() * 256).toString(16).padStart(2, "0")).join(""),
  };
}
type Random = ReturnType<typeof createRandom>;

const MINUTE = 60_000;
const DAY = 86_400_000;
const SHANGHAI_OFFSET = 8 * 3_600_000;

function shanghaiYear(date: Date) {
  return new Date(date.getTime() + SHANGHAI_OFFSET).getUTCFullYear();
}
/** Midnight in Shanghai on the given calendar date. */
function shanghaiDate(year: number, month: number, day: number) {
  return new Date(Date.UTC(year, month - 1, day) - SHANGHAI_OFFSET);
}
/** Midnight in Shanghai of the day that contains `date`. */
function shanghaiDay(date: Date) {
  return new Date(Math.floor((date.getTime() + SHANGHAI_OFFSET) / DAY) * DAY - SHANGHAI_OFFSET);
}
function addDays(date: Date, days: number) {
  return new Date(date.getTime() + days * DAY);
}
/** A Shanghai wall-clock time ("09:00") on the day starting at `day`. */
function at(day: Date, time: string) {
  const [h, m] = time.split(":").map(Number);
  return new Date(day.getTime() + (h * 60 + m) * MINUTE);
}
/** Moves a Saturday or Sunday to the following Monday. */
function weekday(day: Date) {
  const dow = new Date(day.getTime() + SHANGHAI_OFFSET).getUTCDay();
  return dow === 6 ? addDays(day, 2) : dow === 0 ? addDays(day, 1) : day;
}

// ================================================================ planning types

type UserKey = "admin" | "hr" | "hr-street" | "trainer" | "trainer2" | "trainer3" | "secretary";
const TRAINERS: UserKey[] = ["trainer", "trainer2", "trainer3"];

type Area = { code: string; nameZh: string; nameEn: string; street: number };

type PlannedPerson = {
  employeeNo: string;
  name: string;
  gender: "female" | "male";
  birthYear: number;
  area: number;
  street: number;
  postTypeCode: "head" | "supervisor" | "staff";
  grade: number;
  gradeFrom: Date;
  hiredOn: Date;
  secretarySince: Date | null;
  education: string;
  socialWorkCert: string;
  phone: string;
  /** Highest level open at go-live (recorded as waivers): training before the system existed. */
  initialLevel: number;
  /** Yearly points this person tends to reach (centipoints). */
  target: number;
  completed: Set<string>;
  completedAtLevel: number[];
  pointsByYear: Map<number, number>;
};

type PlannedOffering = {
  code: string;
  course: CourseSpec;
  host: number | "district";
  trainer: UserKey | null;
  venue: string;
  capacity: number;
  enrolOpensAt: Date;
  enrolClosesAt: Date;
  withdrawDeadline: Date;
  startsAt: Date;
  endsAt: Date;
  needsApproval: boolean;
  status: "draft" | "published" | "closed";
  creditYear: number;
  sessions: { title: string; startsAt: Date; endsAt: Date }[];
};

type EnrolmentStatus = "pending_approval" | "enrolled" | "waitlisted" | "withdrawn" | "declined" | "completed" | "not_completed";

type PlannedEnrolment = {
  offering: PlannedOffering;
  person: PlannedPerson;
  status: EnrolmentStatus;
  waitlistNo: number | null;
  requestedAt: Date;
  decidedBy: UserKey | null;
  decisionReason: string | null;
  completedAt: Date | null;
  /** One status per session, or null when there is no attendance yet. */
  attendance: ("present" | "late" | "absent" | "excused")[] | null;
};

type PlannedExternal = { person: PlannedPerson; year: number; amount: number; seq: number; programme: number; at: Date };

type Choice = { person: PlannedPerson; course: CourseSpec; outcome: "completed" | "not_completed" | "withdrawn" };

export type SeedSummary = {
  creditYear: number;
  units: number;
  streets: number;
  areas: number;
  people: number;
  users: number;
  competencies: number;
  levels: number;
  courses: number;
  offerings: number;
  sessions: number;
  enrolments: number;
  attendance: number;
  ledgerEntries: number;
  camps: number;
  teams: number;
  appraisals: number;
  milliseconds: number;
};

const COURSE_BY_CODE = new Map(COURSES.map((course) => [course.code, course]));
const POINTS_BY_CODE = new Map(COURSES.map((course) => [course.code, pointsForMinutes(course.minutes, DEFAULT_POLICY_RULES)]));
const PREREQUISITE_CODES = new Set(COURSES.flatMap((course) => (course.prerequisite ? [course.prerequisite] : [])));
const SEAT_HOLDING: EnrolmentStatus[] = ["enrolled", "completed", "not_completed"];

// ================================================================ planning

function planPeople(random: Random, areas: Area[], year: number): PlannedPerson[] {
  const used = new Set<string>();
  const uniqueName = (gender: "female" | "male") => {
    for (;;) {
      const given = gender === "female" ? GIVEN_FEMALE : GIVEN_MALE;
      const name = random.pick(SURNAMES) + random.pick(given) + (random.chance(0.7) ? random.pick(given) : "");
      if (!used.has(name)) {
        used.add(name);
        return name;
      }
    }
  };
  const people: PlannedPerson[] = [];
  areas.forEach((area, areaIndex) => {
    const posts: PlannedPerson["postTypeCode"][] = ["head", "supervisor", "staff", "staff"];
    if (areaIndex % 3 === 0) posts.push("staff");
    for (const postTypeCode of posts) {
      const post = POST_TYPES.find((p) => p.code === postTypeCode)!;
      const service = postTypeCode === "head" ? random.int(6, 26) : postTypeCode === "supervisor" ? random.int(3, 18) : random.int(0, 12);
      const hiredOn = shanghaiDate(year - service, random.int(1, 12), random.int(1, 28));
      const gender = random.chance(0.72) ? "female" : "male";
      const education = random.pick(["secondary", "college", "college", "college", "bachelor", "bachelor", "bachelor", "bachelor", "bachelor", "master"]);
      const socialWorkCert = random.pick(["none", "none", "none", "assistant", "assistant", "assistant", "intermediate", "intermediate", "senior"]);
      // 三岗十八级: the post's first grade, raised for education and certificates at hiring,
      // then one grade per full three years (some delayed by a weak year).
      const bonus = Math.min(2, (education === "master" ? 1 : 0) + (socialWorkCert === "intermediate" ? 1 : socialWorkCert === "senior" ? 2 : 0));
      let steps = Math.floor(service / 3);
      if (steps > 0 && random.chance(0.15)) steps -= 1;
      const grade = Math.min(post.maxGrade, post.minGrade + bonus + steps);
      const gradeFrom = steps > 0 ? shanghaiDate(hiredOn.getUTCFullYear() + steps * 3, 1, 1) : hiredOn;
      const secretarySince =
        postTypeCode === "head" ? shanghaiDate(year - random.int(1, Math.min(service - 1, 12)), random.int(1, 12), 1) : null;
      const secretaryYears = secretarySince ? year - secretarySince.getUTCFullYear() : 0;
      const initialLevel =
        postTypeCode === "head" ? (secretaryYears >= 8 ? 3 : secretaryYears >= 3 ? 2 : 1) : postTypeCode === "supervisor" && service >= 6 ? 2 : 1;
      const roll = random.next();
      const target = roll < 0.78 ? random.int(5600, 7400) : roll < 0.92 ? random.int(4000, 5500) : random.int(2000, 3900);
      people.push({
        employeeNo: `CN${String(people.length + 1).padStart(4, "0")}`,
        name: uniqueName(gender),
        gender,
        birthYear: hiredOn.getUTCFullYear() - random.int(22, 34),
        area: areaIndex,
        street: area.street,
        postTypeCode,
        grade,
        gradeFrom,
        hiredOn,
        secretarySince,
        education,
        socialWorkCert,
        phone: `13${random.int(0, 9)}${String(random.int(0, 99_999_999)).padStart(8, "0")}`,
        initialLevel,
        target: Math.round(target / 100) * 100,
        completed: new Set(),
        completedAtLevel: [0, 0, 0, 0, 0],
        pointsByYear: new Map(),
      });
    }
  });
  return people;
}

function levelOpen(person: PlannedPerson, level: number) {
  return level <= person.initialLevel || person.completedAtLevel[level - 1] > 0;
}

function canTake(person: PlannedPerson, course: CourseSpec) {
  return (
    !person.completed.has(course.code) &&
    levelOpen(person, course.level) &&
    (!course.prerequisite || person.completed.has(course.prerequisite))
  );
}

function complete(person: PlannedPerson, course: CourseSpec, year: number) {
  person.completed.add(course.code);
  person.completedAtLevel[course.level] += 1;
  person.pointsByYear.set(year, (person.pointsByYear.get(year) ?? 0) + POINTS_BY_CODE.get(course.code)!);
}

/**
 * One person's year: in-person classes around their level (lower levels first, as the
 * calendar runs), some online modules, and outside training imported to make up the rest.
 */
function planPersonYear(random: Random, person: PlannedPerson, year: number, target: number, externals: PlannedExternal[], recordedAt: Date) {
  const picks: Choice[] = [];
  const home = [4, 3, 2, 1].find((level) => levelOpen(person, level))!;
  // A third or so in person keeps a catalogue of twenty classes going for three years
  // without anyone retaking one; the in-person minimum is still met by most.
  const inPersonTarget = Math.max(1800, Math.round(target * (0.3 + random.next() * 0.15)));
  let earned = 0;
  for (let level = 1; level <= 4; level++) {
    const base = level === home ? 0.85 : level === home + 1 ? 0.6 : level === home - 1 ? 0.35 : 0.1;
    for (const course of random.shuffle(COURSES.filter((c) => c.level === level && c.mode === "in_person"))) {
      if (earned >= inPersonTarget) break;
      const p = PREREQUISITE_CODES.has(course.code) ? Math.max(base, 0.6) : base;
      if (!random.chance(p) || !canTake(person, course)) continue;
      const roll = random.next();
      const outcome = roll < 0.03 ? "not_completed" : roll < 0.05 ? "withdrawn" : "completed";
      picks.push({ person, course, outcome });
      if (outcome === "completed") {
        complete(person, course, year);
        earned += POINTS_BY_CODE.get(course.code)!;
      }
    }
  }
  const onlineTarget = earned + Math.round(target * (0.05 + random.next() * 0.15));
  for (let level = 1; level <= 4; level++) {
    for (const course of random.shuffle(COURSES.filter((c) => c.level === level && c.mode === "online"))) {
      if (earned >= onlineTarget) break;
      if (!random.chance(0.7) || !canTake(person, course)) continue;
      const outcome = random.chance(0.02) ? "not_completed" : "completed";
      picks.push({ person, course, outcome });
      if (outcome === "completed") {
        complete(person, course, year);
        earned += POINTS_BY_CODE.get(course.code)!;
      }
    }
  }
  let seq = 0;
  while (target - earned >= 150) {
    // At most five imports a year; the last one (a longer Party-school course) takes the rest.
    const amount = seq === 4 ? target - earned : Math.min(target - earned, random.int(3, 8) * 100);
    seq += 1;
    externals.push({ person, year, amount, seq, programme: random.int(0, EXTERNAL_PROGRAMMES.length - 1), at: recordedAt });
    earned += amount;
    person.pointsByYear.set(year, (person.pointsByYear.get(year) ?? 0) + amount);
  }
  return picks;
}

type Calendar = {
  random: Random;
  offerings: PlannedOffering[];
  enrolments: PlannedEnrolment[];
  runsByCourseYear: Map<string, number>;
};

function venueFor(calendar: Calendar, host: number | "district", mode: CourseSpec["mode"]) {
  if (mode === "online") return "线上学习平台 Online";
  if (mode === "camp") return "长宁区委党校（封闭集训）";
  if (host === "district") return "长宁区社区党群服务中心 报告厅";
  return `${STREETS[host].nameZh}社区党群服务中心 ${calendar.random.pick(["多功能厅", "二楼培训室", "一楼会议室"])}`;
}

/** Sessions of one run starting on `firstDay`, shaped by the course's length and mode. */
function sessionsFor(course: CourseSpec, firstDay: Date) {
  const title = course.titleZh;
  if (course.mode === "online") {
    return [{ title: `${title}（线上学习）`, startsAt: at(firstDay, "09:00"), endsAt: at(addDays(firstDay, 20), "23:00") }];
  }
  if (course.mode === "camp") {
    return Array.from({ length: 5 }, (_, d) => [
      { title: `第${d + 1}天 上午`, startsAt: at(addDays(firstDay, d), "08:30"), endsAt: at(addDays(firstDay, d), "12:00") },
      { title: `第${d + 1}天 下午`, startsAt: at(addDays(firstDay, d), "13:30"), endsAt: at(addDays(firstDay, d), "18:00") },
    ]).flat();
  }
  if (course.minutes >= 480) {
    return Array.from({ length: 4 }, (_, w) => ({
      title: `${title}（第${w + 1}讲）`,
      startsAt: at(addDays(firstDay, w * 7), "18:30"),
      endsAt: at(addDays(firstDay, w * 7), "20:30"),
    }));
  }
  if (course.minutes >= 360) {
    const second = weekday(addDays(firstDay, 1));
    return [
      { title: `${title}（上）`, startsAt: at(firstDay, "09:00"), endsAt: at(firstDay, "12:00") },
      { title: `${title}（下）`, startsAt: at(second, "09:00"), endsAt: at(second, "12:00") },
    ];
  }
  return [{ title, startsAt: at(firstDay, "13:30"), endsAt: at(firstDay, "16:30") }];
}

function addOffering(
  calendar: Calendar,
  course: CourseSpec,
  firstDay: Date,
  fields: Pick<PlannedOffering, "capacity" | "needsApproval" | "status" | "trainer"> & { host?: number | "district" },
) {
  const sessions = sessionsFor(course, firstDay);
  const startsAt = sessions[0].startsAt;
  const creditYear = shanghaiYear(startsAt);
  const key = `${course.code}-${creditYear}`;
  const run = (calendar.runsByCourseYear.get(key) ?? 0) + 1;
  calendar.runsByCourseYear.set(key, run);
  const host = fields.host ?? (course.mode === "in_person" ? calendar.random.int(0, STREETS.length - 1) : "district");
  const offering: PlannedOffering = {
    code: `${key}-${run}`,
    course,
    host,
    trainer: fields.trainer,
    venue: venueFor(calendar, host, course.mode),
    capacity: fields.capacity,
    enrolOpensAt: at(addDays(firstDay, -30), "09:00"),
    enrolClosesAt: at(addDays(firstDay, -2), "17:00"),
    withdrawDeadline: at(addDays(firstDay, -3), "17:00"),
    startsAt,
    endsAt: sessions[sessions.length - 1].endsAt,
    needsApproval: fields.needsApproval,
    status: fields.status,
    creditYear,
    sessions,
  };
  calendar.offerings.push(offering);
  return offering;
}

/**
 * Turns a year's picks into classes: each course's takers split into runs of at most 40
 * (online: one run), scheduled by level across the window so that the level below and the
 * prerequisites always come first; then enrolments, attendance and completion dates.
 */
function scheduleYear(calendar: Calendar, picks: Choice[], windowStart: Date, windowEnd: Date) {
  const { random } = calendar;
  const span = Math.max(0, windowEnd.getTime() - windowStart.getTime() - 30 * DAY);
  const byCourse = new Map<string, Choice[]>();
  for (const pick of picks) byCourse.set(pick.course.code, [...(byCourse.get(pick.course.code) ?? []), pick]);
  let trainerTurn = 0;
  for (const course of COURSES) {
    const takers = byCourse.get(course.code);
    if (!takers) continue;
    const runs = course.mode === "online" ? 1 : Math.ceil(takers.length / 40);
    for (let run = 0; run < runs; run++) {
      const group = takers.filter((_, i) => i % runs === run);
      const slot = (course.level - 1 + (run + 0.15 + random.next() * 0.6) / runs) / 4;
      const firstDay = weekday(shanghaiDay(new Date(windowStart.getTime() + slot * span)));
      const seats = group.filter((p) => p.outcome !== "withdrawn").length;
      const offering = addOffering(calendar, course, firstDay, {
        capacity: course.mode === "online" ? 300 : Math.max(20, Math.ceil((seats * 1.15) / 5) * 5),
        needsApproval: course.mode === "in_person" && course.level >= 3,
        status: "closed",
        trainer: course.mode === "online" ? null : TRAINERS[trainerTurn++ % TRAINERS.length],
      });
      for (const pick of group) {
        const requestedAt = new Date(offering.enrolOpensAt.getTime() + random.int(1, 20) * DAY + random.int(0, 600) * MINUTE);
        const decidedBy = offering.needsApproval ? (pick.person.street === 0 ? "hr-street" : "hr") : null;
        if (pick.outcome === "withdrawn") {
          calendar.enrolments.push({ offering, person: pick.person, status: "withdrawn", waitlistNo: null, requestedAt, decidedBy, decisionReason: null, completedAt: null, attendance: null });
          continue;
        }
        const sessions = offering.sessions.length;
        const attendance = Array.from({ length: sessions }, () => (random.chance(0.06) ? "late" : "present") as "present" | "late");
        if (pick.outcome === "not_completed") (attendance as string[])[random.int(0, sessions - 1)] = "absent";
        calendar.enrolments.push({
          offering,
          person: pick.person,
          status: pick.outcome,
          waitlistNo: null,
          requestedAt,
          decidedBy,
          decisionReason: null,
          completedAt: pick.outcome === "completed" ? addDays(offering.endsAt, 1) : null,
          attendance: attendance as PlannedEnrolment["attendance"],
        });
      }
    }
  }
}

// ================================================================ writing

const CHUNK = 500;

async function inChunks<T, R>(rows: T[], write: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(...(await write(rows.slice(i, i + CHUNK))));
  return out;
}

async function countRows(tx: DbTx, year: number): Promise<Omit<SeedSummary, "milliseconds">> {
  const [units, streets, areas, people, users, competencies, levels, courses, offerings, sessions, enrolments, attendance, ledgerEntries, camps, teams, appraisals] =
    await Promise.all([
      tx.unit.count(),
      tx.unit.count({ where: { kind: "street" } }),
      tx.unit.count({ where: { kind: "area" } }),
      tx.person.count(),
      tx.user.count(),
      tx.competency.count(),
      tx.level.count(),
      tx.course.count(),
      tx.offering.count(),
      tx.classSession.count(),
      tx.enrolment.count(),
      tx.attendance.count(),
      tx.ledgerEntry.count(),
      tx.camp.count(),
      tx.team.count(),
      tx.appraisal.count(),
    ]);
  return { creditYear: year, units, streets, areas, people, users, competencies, levels, courses, offerings, sessions, enrolments, attendance, ledgerEntries, camps, teams, appraisals };
}

export class DemoSeedError extends Error {}

/**
 * Empty = no units and no accounts. An install whose operator already ran admin:create is a
 * real one being set up: demo people must never appear in it.
 */
export async function isEmptyDatabase(client: DbTx): Promise<boolean> {
  const [units, users] = await Promise.all([client.unit.count(), client.user.count()]);
  return units === 0 && users === 0;
}

/**
 * Fills an empty database with a realistic, deterministic Changning demo: units, people,
 * accounts, the framework and catalogue, three years of classes and credits, a boot camp
 * and appraisals. Everything happens in one transaction: a failure leaves the database empty.
 * Dates are placed around `now`, so the demo always has a past and an upcoming part.
 */
export async function seedDemo(db: Db, options: { passwordHash: string; now?: Date }): Promise<SeedSummary> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const year = shanghaiYear(now);
  const summary = await db.$transaction(
    async (tx) => {
      if (!(await isEmptyDatabase(tx))) throw new DemoSeedError("the database already has units or accounts: the demo seeds only an empty database");
      await writeDemo(tx, options.passwordHash, now, year);
      return countRows(tx, year);
    },
    { timeout: 300_000, maxWait: 60_000 },
  );
  return { ...summary, milliseconds: Date.now() - started };
}

/**
 * Seeds the demo at server start when the database has no units (SEED_DEMO=auto, the
 * default). The password is hashed only when seeding is needed. Returns whether it seeded.
 */
export async function ensureDemoSeeded(
  db: Db,
  options: { passwordHash: () => Promise<string>; now?: Date; log?: (message: string) => void },
): Promise<boolean> {
  if (env().SEED_DEMO !== "auto") return false;
  if (!(await isEmptyDatabase(db))) return false;
  const summary = await seedDemo(db, { passwordHash: await options.passwordHash(), now: options.now });
  // The server passes its structured logger; a bare call (a script) prints the line.
  const log = options.log ?? ((message: string) => process.stdout.write(`${message}\n`));
  log(
    `demo data seeded in ${summary.milliseconds} ms: ${summary.people} people, ${summary.courses} courses, ` +
      `${summary.offerings} classes, ${summary.ledgerEntries} ledger entries (sign in as admin / lane-demo)`,
  );
  return true;
}

/** The two past years, closed by district HR in the January after each. */
async function closeSeededYears(tx: DbTx, year: number, hrUserId: number) {
  for (const past of [year - 2, year - 1]) {
    await tx.creditYear.update({
      where: { year: past },
      data: { status: "closed", closedAt: shanghaiDate(past + 1, 1, 20), closedById: hrUserId },
    });
  }
}

async function writeDemo(tx: DbTx, passwordHash: string, now: Date, year: number) {
  const random = createRandom(0x1a2e_2026);
  const today = shanghaiDay(now);
  const seededAt = now;

  // ---------------------------------------------------------------- units
  const district = await tx.unit.create({
    data: { code: DISTRICT.code, nameZh: DISTRICT.nameZh, nameEn: DISTRICT.nameEn, kind: "district", path: "/" },
    select: { id: true },
  });
  await tx.unit.update({ where: { id: district.id }, data: { path: `/${district.id}/` } });
  const streetRows = await tx.unit.createManyAndReturn({
    data: STREETS.map((street, i) => ({
      code: `${DISTRICT.code}-${street.code}`,
      nameZh: street.nameZh,
      nameEn: street.nameEn,
      kind: "street",
      parentId: district.id,
      path: "",
      sortOrder: i + 1,
    })),
    select: { id: true, code: true },
  });
  const streetIds = STREETS.map((street) => streetRows.find((row) => row.code === `${DISTRICT.code}-${street.code}`)!.id);
  const streetPaths = streetIds.map((id) => `/${district.id}/${id}/`);
  const areas: Area[] = STREETS.flatMap((street, s) =>
    street.areas.map(([zh, en], a) => ({
      code: `${DISTRICT.code}-${street.code}-${String(a + 1).padStart(2, "0")}`,
      nameZh: `${zh}居民区`,
      nameEn: `${en} Residential Area`,
      street: s,
    })),
  );
  const areaRows = await tx.unit.createManyAndReturn({
    data: areas.map((area, i) => ({
      code: area.code,
      nameZh: area.nameZh,
      nameEn: area.nameEn,
      kind: "area",
      parentId: streetIds[area.street],
      path: "",
      sortOrder: i + 1,
    })),
    select: { id: true, code: true },
  });
  const areaIds = areas.map((area) => areaRows.find((row) => row.code === area.code)!.id);
  for (let s = 0; s < streetIds.length; s++) await tx.unit.update({ where: { id: streetIds[s] }, data: { path: streetPaths[s] } });
  for (let a = 0; a < areas.length; a++) {
    await tx.unit.update({ where: { id: areaIds[a] }, data: { path: `${streetPaths[areas[a].street]}${areaIds[a]}/` } });
  }
  const hostId = (host: number | "district") => (host === "district" ? district.id : streetIds[host]);

  // ---------------------------------------------------------------- people and accounts
  await tx.postType.createMany({ data: POST_TYPES.map((post) => ({ ...post })) });
  const people = planPeople(random, areas, year);
  const personRows = await inChunks(people, (chunk) =>
    tx.person.createManyAndReturn({
      data: chunk.map((p) => ({
        employeeNo: p.employeeNo,
        name: p.name,
        gender: p.gender,
        birthYear: p.birthYear,
        unitId: areaIds[p.area],
        postTypeCode: p.postTypeCode,
        grade: p.grade,
        hiredOn: p.hiredOn,
        secretarySince: p.secretarySince,
        education: p.education,
        socialWorkCert: p.socialWorkCert,
        phone: p.phone,
      })),
      select: { id: true, employeeNo: true },
    }),
  );
  const personIdByNo = new Map(personRows.map((row) => [row.employeeNo, row.id]));
  const personId = (person: PlannedPerson) => personIdByNo.get(person.employeeNo)!;

  // The secretary account: the head of the first area of the first street, a steady learner.
  const secretary = people.find((p) => p.area === 0 && p.postTypeCode === "head")!;
  secretary.target = 6400;
  secretary.initialLevel = Math.max(secretary.initialLevel, 2);

  const staffUsers: { username: UserKey; displayName: string; role: string; scopeUnitId: number | null; personId: number | null }[] = [
    { username: "admin", displayName: "系统管理员", role: "admin", scopeUnitId: null, personId: null },
    { username: "hr", displayName: "区委组织部 王敏", role: "hr", scopeUnitId: district.id, personId: null },
    { username: "hr-street", displayName: `${STREETS[0].nameZh}社区办 李静`, role: "hr", scopeUnitId: streetIds[0], personId: null },
    { username: "trainer", displayName: "陈晓峰（讲师）", role: "trainer", scopeUnitId: null, personId: null },
    { username: "trainer2", displayName: "周丽华（讲师）", role: "trainer", scopeUnitId: null, personId: null },
    { username: "trainer3", displayName: "孙建国（讲师）", role: "trainer", scopeUnitId: null, personId: null },
    { username: "secretary", displayName: secretary.name, role: "learner", scopeUnitId: null, personId: personId(secretary) },
  ];
  const userRows = await inChunks(
    [
      ...staffUsers,
      ...people
        .filter((p) => p !== secretary)
        .map((p) => ({ username: p.employeeNo, displayName: p.name, role: "learner", scopeUnitId: null, personId: personId(p) })),
    ],
    (chunk) =>
      tx.user.createManyAndReturn({
        data: chunk.map((u) => ({ ...u, passwordHash, mustChangePassword: false })),
        select: { id: true, username: true, personId: true },
      }),
  );
  const userIdByName = new Map(userRows.map((row) => [row.username, row.id]));
  const userId = (key: UserKey) => userIdByName.get(key)!;
  const userIdByPerson = new Map(userRows.filter((row) => row.personId !== null).map((row) => [row.personId!, row.id]));

  // ---------------------------------------------------------------- framework and catalogue
  const framework = await tx.competencyFramework.create({
    data: { version: 1, nameZh: "居民区书记十大素养（2024版）", nameEn: "Ten essential competencies (2024)", status: "active", publishedAt: shanghaiDate(year - 2, 1, 1) },
    select: { id: true },
  });
  const competencyRows = await tx.competency.createManyAndReturn({
    data: COMPETENCIES.map((c, i) => ({ ...c, frameworkId: framework.id, sortOrder: i + 1 })),
    select: { id: true, code: true },
  });
  const competencyId = new Map(competencyRows.map((row) => [row.code as CompetencyCode, row.id]));
  const levelRows = await tx.level.createManyAndReturn({ data: LEVELS.map((level) => ({ ...level })), select: { id: true, rank: true } });
  const levelId = new Map(levelRows.map((row) => [row.rank, row.id]));
  const courseRows = await tx.course.createManyAndReturn({
    data: COURSES.map((c) => ({
      code: c.code,
      titleZh: c.titleZh,
      titleEn: c.titleEn,
      summaryZh: c.summaryZh,
      summaryEn: c.summaryEn,
      levelId: levelId.get(c.level)!,
      mode: c.mode,
      durationMinutes: c.minutes,
      creditPoints: POINTS_BY_CODE.get(c.code)!,
      hasAssessment: c.hasAssessment ?? false,
    })),
    select: { id: true, code: true },
  });
  const courseId = new Map(courseRows.map((row) => [row.code, row.id]));
  await tx.courseCompetency.createMany({
    data: COURSES.flatMap((c) =>
      Object.entries(c.weights).map(([code, weight]) => ({ courseId: courseId.get(c.code)!, competencyId: competencyId.get(code as CompetencyCode)!, weight: weight! })),
    ),
  });
  await tx.coursePrerequisite.createMany({
    data: COURSES.filter((c) => c.prerequisite).map((c) => ({ courseId: courseId.get(c.code)!, requiredCourseId: courseId.get(c.prerequisite!)! })),
  });
  const weightsOf = (course: CourseSpec) =>
    Object.entries(course.weights).map(([code, weight]) => ({ competencyId: competencyId.get(code as CompetencyCode)!, weight: weight! }));

  // ---------------------------------------------------------------- policy and years
  const rules = serializePolicyRules(DEFAULT_POLICY_RULES);
  await tx.creditPolicy.createMany({
    data: [year - 2, year - 1, year].map((y) => ({
      year: y,
      version: 1,
      rules,
      reason: "演示默认政策 Demo default policy",
      createdById: userId("admin"),
      createdAt: shanghaiDate(y - 1, 12, 15),
    })),
  });
  // Past years are closed at the very end (closeSeededYears): the history written below,
  // including a reversal, belongs in those years, and a closed year takes no new entries.
  await tx.creditYear.createMany({
    data: [year - 2, year - 1, year].map((y) => ({ year: y, status: "open" })),
  });
  await tx.setting.create({ data: { key: "demo", value: "true" } });
  await tx.prerequisiteWaiver.createMany({
    data: people.flatMap((p) =>
      Array.from({ length: p.initialLevel - 1 }, (_, i) => ({
        personId: personId(p),
        levelId: levelId.get(i + 2)!,
        reason: "系统上线前已完成下一层级培训（纸质档案核实） Completed before go-live (paper records)",
        grantedById: userId("hr"),
        createdAt: shanghaiDate(year - 2, 1, 5),
      })),
    ),
  });

  // ---------------------------------------------------------------- three years of classes
  const calendar: Calendar = { random, offerings: [], enrolments: [], runsByCourseYear: new Map() };
  const externals: PlannedExternal[] = [];
  for (const y of [year - 2, year - 1]) {
    const picks = people.flatMap((p) => planPersonYear(random, p, y, Math.round(p.target * (0.97 + random.next() * 0.15)), externals, shanghaiDate(y, 12, 20)));
    scheduleYear(calendar, picks, shanghaiDate(y, 3, 1), shanghaiDate(y, 12, 10));
  }
  // This year up to now: progress in proportion to the part of the year gone by. Seeded
  // before mid-February, the window is too short for whole classes and this year starts empty.
  const yearStart = shanghaiDate(year, 1, 1);
  const pastStart = addDays(yearStart, 7);
  const pastEnd = addDays(today, -3);
  if (pastEnd.getTime() - pastStart.getTime() > 45 * DAY) {
    const elapsed = Math.min(1, (pastEnd.getTime() - yearStart.getTime()) / (365 * DAY));
    const picks = people.flatMap((p) => {
      const share = p === secretary ? Math.max(0.5, elapsed * 0.9) : elapsed * (0.7 + random.next() * 0.3);
      return planPersonYear(random, p, year, Math.round(p.target * share), externals, addDays(pastEnd, -1));
    });
    scheduleYear(calendar, picks, pastStart, pastEnd);
  }

  // Upcoming classes: a spread of levels, starting from two days to six weeks ahead.
  const upcomingCourses: CourseSpec[] = [];
  const secretaryCourse = [...COURSES].reverse().find((c) => c.mode === "in_person" && canTake(secretary, c));
  if (secretaryCourse) upcomingCourses.push(secretaryCourse);
  for (const level of [1, 2, 3, 4]) {
    for (const mode of ["in_person", "in_person", "online"] as const) {
      const course = random
        .shuffle(COURSES.filter((c) => c.level === level && c.mode === mode))
        .find((c) => !upcomingCourses.includes(c));
      if (course) upcomingCourses.push(course);
    }
  }
  const offsets = [2, 5, 8, 9, 12, 15, 16, 19, 22, 26, 29, 33, 40];
  let fullOnes = 0;
  upcomingCourses.forEach((course, i) => {
    const firstDay = weekday(addDays(today, offsets[i % offsets.length] + Math.floor(i / offsets.length) * 7));
    const isDraft = i === upcomingCourses.length - 1;
    let candidates = random.shuffle(people.filter((p) => p !== secretary && canTake(p, course)));
    if (course === secretaryCourse) candidates = [secretary, ...candidates];
    // A few full classes with waiting lists, a few needing the street's approval, the rest
    // filling up.
    const kind =
      course.mode === "online" ? "partial" : i % 4 === 2 ? "approval" : candidates.length >= 26 && fullOnes < 3 ? "full" : "partial";
    if (kind === "full") fullOnes += 1;
    const offering = addOffering(calendar, course, firstDay, {
      capacity: course.mode === "online" ? 200 : kind === "full" ? 20 : kind === "approval" ? 24 : 36,
      needsApproval: kind === "approval",
      status: isDraft ? "draft" : "published",
      trainer: course.mode === "online" ? null : i % 2 === 0 ? "trainer" : TRAINERS[1 + (i % 3 === 0 ? 1 : 0)],
    });
    if (isDraft) return;
    const enrolledTarget =
      kind === "full" ? offering.capacity : kind === "approval" ? 12 : Math.round(offering.capacity * (0.4 + random.next() * 0.4));
    let enrolled = 0;
    let waitlisted = 0;
    const closes = offering.enrolClosesAt.getTime() < now.getTime() ? offering.enrolClosesAt : now;
    for (const person of candidates) {
      const requestedAt = new Date(
        offering.enrolOpensAt.getTime() + random.next() * Math.max(DAY, closes.getTime() - offering.enrolOpensAt.getTime() - DAY),
      );
      const base = { offering, person, requestedAt, decidedBy: null, decisionReason: null, completedAt: null, attendance: null, waitlistNo: null };
      if (enrolled < enrolledTarget) {
        enrolled += 1;
        calendar.enrolments.push({ ...base, status: "enrolled", decidedBy: kind === "approval" ? (person.street === 0 ? "hr-street" : "hr") : null });
      } else if (kind === "full" && waitlisted < 2 + (i % 3)) {
        waitlisted += 1;
        calendar.enrolments.push({ ...base, status: "waitlisted", waitlistNo: waitlisted });
      } else if (kind === "approval" && waitlisted < 4) {
        waitlisted += 1;
        const declined = waitlisted === 4;
        calendar.enrolments.push({
          ...base,
          status: declined ? "declined" : "pending_approval",
          decidedBy: declined ? "hr" : null,
          decisionReason: declined ? "本期名额优先安排新任书记 Places go to newly appointed secretaries first" : null,
        });
      } else if (kind === "partial" && waitlisted < 1) {
        waitlisted += 1;
        calendar.enrolments.push({ ...base, status: "withdrawn" });
      } else break;
    }
  });

  // The boot camp: ended last week, projects in, marking under way.
  const campCourse = COURSE_BY_CODE.get(CAMP_COURSE)!;
  const campOffering = addOffering(calendar, campCourse, addDays(today, -9), {
    capacity: 24,
    needsApproval: true,
    status: "published",
    trainer: "trainer",
    host: "district",
  });
  const campers = random
    .shuffle(people.filter((p) => p !== secretary && p.postTypeCode !== "head" && levelOpen(p, campCourse.level)))
    .concat(random.shuffle(people.filter((p) => p !== secretary && p.postTypeCode === "head" && levelOpen(p, campCourse.level))))
    .slice(0, 24);
  campers.forEach((person, i) => {
    const attendance = campOffering.sessions.map(() => "present") as NonNullable<PlannedEnrolment["attendance"]>;
    if (i === 3) attendance[6] = "excused"; // one of ten: within the 1/7 limit
    if (i === 10) attendance[2] = "late";
    if (i === 17) attendance[4] = attendance[5] = "absent"; // a whole day: over the limit
    calendar.enrolments.push({
      offering: campOffering,
      person,
      status: "enrolled",
      waitlistNo: null,
      requestedAt: addDays(campOffering.enrolOpensAt, 3 + (i % 10)),
      decidedBy: person.street === 0 ? "hr-street" : "hr",
      decisionReason: null,
      completedAt: null,
      attendance,
    });
  });

  // ---------------------------------------------------------------- classes into the database
  const { offerings, enrolments } = calendar;
  const seatsTaken = new Map<PlannedOffering, number>();
  const waitlistSeq = new Map<PlannedOffering, number>();
  for (const e of enrolments) {
    if (SEAT_HOLDING.includes(e.status)) seatsTaken.set(e.offering, (seatsTaken.get(e.offering) ?? 0) + 1);
    if (e.status === "waitlisted") waitlistSeq.set(e.offering, (waitlistSeq.get(e.offering) ?? 0) + 1);
  }
  const offeringRows = await inChunks(offerings, (chunk) =>
    tx.offering.createManyAndReturn({
      data: chunk.map((o) => ({
        code: o.code,
        courseId: courseId.get(o.course.code)!,
        hostUnitId: hostId(o.host),
        trainerId: o.trainer ? userId(o.trainer) : null,
        venue: o.venue,
        capacity: o.capacity,
        seatsTaken: seatsTaken.get(o) ?? 0,
        waitlistSeq: waitlistSeq.get(o) ?? 0,
        enrolOpensAt: o.enrolOpensAt,
        enrolClosesAt: o.enrolClosesAt,
        withdrawDeadline: o.withdrawDeadline,
        startsAt: o.startsAt,
        endsAt: o.endsAt,
        needsApproval: o.needsApproval,
        status: o.status,
        creditYear: o.creditYear,
        createdAt: o.enrolOpensAt < seededAt ? addDays(o.enrolOpensAt, -7) : seededAt,
      })),
      select: { id: true, code: true },
    }),
  );
  const offeringIdByCode = new Map(offeringRows.map((row) => [row.code, row.id]));
  const offeringId = (o: PlannedOffering) => offeringIdByCode.get(o.code)!;
  const sessionRows = await inChunks(
    offerings.flatMap((o) => o.sessions.map((s) => ({ ...s, offeringId: offeringId(o), venue: o.venue, checkinSecret: random.hex(16) }))),
    (chunk) => tx.classSession.createManyAndReturn({ data: chunk, select: { id: true, offeringId: true, startsAt: true } }),
  );
  const sessionIds = new Map<number, number[]>();
  for (const row of [...sessionRows].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id - b.id)) {
    sessionIds.set(row.offeringId, [...(sessionIds.get(row.offeringId) ?? []), row.id]);
  }
  const enrolmentRows = await inChunks(enrolments, (chunk) =>
    tx.enrolment.createManyAndReturn({
      data: chunk.map((e) => ({
        offeringId: offeringId(e.offering),
        personId: personId(e.person),
        status: e.status,
        waitlistNo: e.waitlistNo,
        requestedAt: e.requestedAt,
        decidedById: e.decidedBy ? userId(e.decidedBy) : null,
        decisionReason: e.decisionReason,
        completedAt: e.completedAt,
        updatedAt: e.completedAt ?? e.requestedAt,
      })),
      select: { id: true, offeringId: true, personId: true },
    }),
  );
  const enrolmentId = new Map(enrolmentRows.map((row) => [`${row.offeringId}:${row.personId}`, row.id]));
  await inChunks(
    enrolments.flatMap((e) => {
      if (!e.attendance) return [];
      const ids = sessionIds.get(offeringId(e.offering))!;
      const trainerId = e.offering.trainer ? userId(e.offering.trainer) : null;
      return e.attendance.map((status, i) => ({
        sessionId: ids[i],
        personId: personId(e.person),
        status,
        method: e.offering.course.mode === "online" ? "import" : i % 3 === 1 ? "self_checkin" : "trainer",
        recordedById: e.offering.course.mode === "online" ? null : trainerId,
        recordedAt: e.offering.sessions[i].endsAt,
      }));
    }),
    async (chunk) => [await tx.attendance.createMany({ data: chunk })],
  );

  // ---------------------------------------------------------------- credits
  const awards: AwardInput[] = [];
  for (const e of enrolments) {
    if (e.status !== "completed") continue;
    const id = enrolmentId.get(`${offeringId(e.offering)}:${personId(e.person)}`)!;
    const amount = POINTS_BY_CODE.get(e.offering.course.code)!;
    awards.push({
      personId: personId(e.person),
      creditYear: e.offering.creditYear,
      amount,
      category: e.offering.course.mode === "online" ? "online" : "in_person",
      sourceType: "completion",
      // The same key the completion module writes, so a later attendance correction on demo
      // data reverses this entry instead of awarding a second one.
      sourceKey: completionSourceKey(id, 1),
      competencies: splitByWeights(amount, weightsOf(e.offering.course)),
      offeringId: offeringId(e.offering),
      createdById: e.offering.trainer ? userId(e.offering.trainer) : null,
      createdAt: e.completedAt!,
    });
  }
  for (const x of externals) {
    const programme = EXTERNAL_PROGRAMMES[x.programme];
    awards.push({
      personId: personId(x.person),
      creditYear: x.year,
      amount: x.amount,
      category: "external",
      sourceType: "import",
      sourceKey: `import:external:${x.year}:${x.person.employeeNo}:${x.seq}`,
      competencies: splitByWeights(
        x.amount,
        Object.entries(programme.weights).map(([code, weight]) => ({ competencyId: competencyId.get(code as CompetencyCode)!, weight: weight! })),
      ),
      note: programme.noteZh,
      createdById: userId("hr"),
      createdAt: x.at,
    });
  }
  await awardCreditsMany(tx, awards);

  // A correction, as HR would make it: a duplicated import reversed, never deleted.
  const corrected = people[7];
  const duplicate = await awardCredits(tx, {
    personId: personId(corrected),
    creditYear: year - 1,
    amount: 400,
    category: "external",
    sourceType: "import",
    sourceKey: `import:external:${year - 1}:${corrected.employeeNo}:dup`,
    competencies: splitByWeights(400, [{ competencyId: competencyId.get("political")!, weight: 1 }]),
    note: EXTERNAL_PROGRAMMES[0].noteZh,
    createdById: userId("hr"),
    createdAt: shanghaiDate(year - 1, 12, 20),
  });
  await reverseEntry(tx, { entryId: duplicate.entry.id, reason: "重复导入，冲销 Duplicate import, reversed", createdById: userId("hr") });
  await closeSeededYears(tx, year, userId("hr"));

  // Adjustments this year: one approved (in the ledger), one waiting for a second officer
  // (above the four-eyes threshold), one rejected.
  const firstStreetPeople = people.filter((p) => p.street === 0 && p !== secretary);
  const [approvedFor, pendingFor, rejectedFor] = firstStreetPeople;
  const approved = await tx.creditAdjustment.create({
    data: {
      personId: personId(approvedFor),
      creditYear: year,
      amount: 300,
      category: "adjustment",
      reason: "在市级社区治理论坛作交流发言 Spoke at the city community-governance forum",
      status: "approved",
      requestedById: userId("hr-street"),
      decidedById: userId("hr"),
      decidedAt: addDays(today, -20),
      decisionNote: "材料齐全 Evidence complete",
      createdAt: addDays(today, -22),
    },
    select: { id: true },
  });
  await awardCredits(tx, {
    personId: personId(approvedFor),
    creditYear: year,
    amount: 300,
    category: "adjustment",
    sourceType: "adjustment",
    sourceKey: `adjustment:${approved.id}`,
    competencies: splitByWeights(300, [{ competencyId: competencyId.get("communication")!, weight: 1 }]),
    adjustmentId: approved.id,
    note: "在市级社区治理论坛作交流发言",
    createdById: userId("hr"),
    createdAt: addDays(today, -20),
  });
  await tx.creditAdjustment.createMany({
    data: [
      {
        personId: personId(pendingFor),
        creditYear: year,
        amount: 1000,
        category: "adjustment",
        reason: "参加市委党校社区治理专题研修班（外地培训，凭结业证书） City Party-school course, certificate attached",
        evidenceName: "结业证书.pdf",
        status: "pending",
        requestedById: userId("hr-street"),
        createdAt: addDays(today, -4),
      },
      {
        personId: personId(rejectedFor),
        creditYear: year,
        amount: 200,
        category: "adjustment",
        reason: "参加街道读书会 Street reading club",
        status: "rejected",
        requestedById: userId("hr-street"),
        decidedById: userId("hr"),
        decidedAt: addDays(today, -10),
        decisionNote: "读书会不属于培训学时认定范围 A reading club does not count as training",
        createdAt: addDays(today, -12),
      },
    ],
  });

  // ---------------------------------------------------------------- the camp
  const campOfferingId = offeringId(campOffering);
  const camp = await tx.camp.create({
    data: { offeringId: campOfferingId, nights: 4, passMark: 6000, markersPerProject: 2, moderationThresholdPct: 15, blindMarking: true, status: "grading", createdAt: campOffering.enrolOpensAt },
    select: { id: true },
  });
  await tx.campStaff.createMany({
    data: [
      { campId: camp.id, userId: userId("trainer"), role: "lead" },
      { campId: camp.id, userId: userId("trainer2"), role: "mentor" },
      { campId: camp.id, userId: userId("trainer3"), role: "judge" },
    ],
  });
  const teamRows = await tx.team.createManyAndReturn({
    data: TEAMS.map((name, i) => ({ campId: camp.id, name, mentorUserId: userId(i % 2 === 0 ? "trainer" : "trainer2"), createdAt: campOffering.startsAt })),
    select: { id: true, name: true },
  });
  const teamIds = TEAMS.map((name) => teamRows.find((row) => row.name === name)!.id);
  await tx.teamMember.createMany({
    data: campers.map((person, i) => ({
      teamId: teamIds[i % teamIds.length],
      personId: personId(person),
      joinedAt: campOffering.startsAt,
      changedById: userId("trainer"),
    })),
  });
  const campDays = Array.from({ length: 5 }, (_, d) => addDays(shanghaiDay(campOffering.startsAt), d));
  const brief = await tx.projectBrief.create({
    data: {
      campId: camp.id,
      title: "为你的居民区设计一个社区项目 Design a project for a residential area",
      description:
        "以小组为单位，选择一个真实居民区的真实问题，完成项目书：背景（问题与居民诉求）、设计（做什么、谁参与）、预算（多少钱、谁出）、预期成效（可衡量）。第五天上午提交，下午路演。\n" +
        "In teams, take a real problem of a real residential area and write the project: background, design, budget and expected impact. Due on the morning of day five; presentations in the afternoon.",
      dueAt: at(campDays[4], "10:00"),
    },
    select: { id: true },
  });
  const rubricCriteria = (withLevels: boolean) =>
    RUBRIC_CRITERIA.map((criterion, i) => ({
      competencyId: competencyId.get(criterion.competency)!,
      title: criterion.title,
      titleEn: criterion.titleEn,
      description: criterion.description,
      descriptionEn: criterion.descriptionEn,
      weight: criterion.weight,
      sortOrder: i + 1,
      ...(withLevels ? { levels: { create: RUBRIC_LEVELS.map((level, j) => ({ ...level, sortOrder: j + 1 })) } } : {}),
    }));
  await tx.rubric.create({
    data: { name: "社区项目方案评分标准 Community project rubric", campId: camp.id, criteria: { create: rubricCriteria(true) } },
  });
  await tx.rubric.create({
    data: { name: "社区项目评分模板 Community project rubric (template)", isTemplate: true, criteria: { create: rubricCriteria(true) } },
  });
  for (let t = 0; t < teamIds.length; t++) {
    const idea = PROJECT_IDEAS[t];
    const late = t === teamIds.length - 1;
    const submitter = campers[t];
    await tx.project.create({
      data: {
        teamId: teamIds[t],
        briefId: brief.id,
        title: idea.title,
        createdAt: at(campDays[1], "20:00"),
        versions: {
          create: {
            versionNo: 1,
            background: idea.background,
            design: idea.design,
            budget: idea.budget,
            impact: idea.impact,
            submittedById: userIdByPerson.get(personId(submitter))!,
            submittedAt: late ? at(campDays[4], "10:40") : at(campDays[3], "21:30"),
            late,
          },
        },
      },
    });
  }

  // ---------------------------------------------------------------- careers
  const appraisals: { personId: number; year: number; rating: string; recordedById: number; createdAt: Date }[] = [];
  for (const y of [year - 2, year - 1]) {
    const points = (p: PlannedPerson) => p.pointsByYear.get(y) ?? 0;
    const lowest = [...people].sort((a, b) => points(a) - points(b))[0];
    for (let s = 0; s < STREETS.length; s++) {
      const inStreet = people.filter((p) => p.street === s);
      // 评优: at most a fifth of a street, drawn from those who met the requirement.
      const excellent = new Set(random.shuffle(inStreet.filter((p) => points(p) >= 5600)).slice(0, Math.floor(inStreet.length * 0.18)));
      for (const p of inStreet) {
        const rating =
          p === lowest && points(p) < 3000 ? "fail" : excellent.has(p) ? "excellent" : points(p) < 3000 || random.chance(0.02) ? "basic" : "pass";
        appraisals.push({ personId: personId(p), year: y, rating, recordedById: userId("hr"), createdAt: shanghaiDate(y + 1, 1, 25) });
      }
    }
  }
  await inChunks(appraisals, async (chunk) => [await tx.appraisal.createMany({ data: chunk.map((a) => ({ ...a, updatedAt: a.createdAt })) })]);
  await inChunks(people, async (chunk) => [
    await tx.gradeRecord.createMany({
      data: chunk.map((p) => ({
        personId: personId(p),
        postTypeCode: p.postTypeCode,
        grade: p.grade,
        effectiveFrom: p.gradeFrom,
        reason: "initial",
        note: "系统上线时的在册等级 Grade on record at go-live",
        recordedById: userId("hr"),
        createdAt: shanghaiDate(year - 2, 1, 5),
      })),
    }),
  ]);
}
