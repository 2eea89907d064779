//! The demo stories: what each demo case is about and what happened to it, step by step.

/// Who acts in a story step.
#[derive(Clone, Copy)]
pub enum Who {
    Applicant,
    Respondent,
    Village,
    Township,
    County,
    Judge,
}

pub struct Story {
    pub category: &'static str,
    pub narrative: &'static str,
    pub request: &'static str,
    pub days_ago: i64,
    pub steps: &'static [(Who, Step)],
}

#[derive(Clone, Copy)]
pub enum Step {
    Accept,
    Decline,
    Consent,
    Refuse,
    Session,
    Propose,
    Sign,
    Escalate,
    Refer,
    Withdraw,
    Apply,
    Confirm,
    Perform,
    FollowUp,
}

use Step::*;
use Who::*;

const MEDIATE: [(Who, Step); 3] = [(Village, Accept), (Respondent, Consent), (Village, Session)];

pub const STORIES: &[Story] = &[
    Story {
        category: "neighbour",
        narrative: "邻居在两家之间的过道上堆放柴草，老人进出很不方便。",
        request: "请邻居把柴草挪走，留出过道。",
        days_ago: 1,
        steps: &[],
    },
    Story {
        category: "debt",
        narrative: "去年借给同村人两万元，约定年底还，到现在没还。",
        request: "请对方按约定还钱。",
        days_ago: 2,
        steps: &[(Village, Accept)],
    },
    Story {
        category: "land",
        narrative: "两家承包地的界桩被挪动，对方多种了半垄地。",
        request: "恢复原来的地界。",
        days_ago: 6,
        steps: &MEDIATE,
    },
    Story {
        category: "family",
        narrative: "兄弟三人对母亲的赡养费分担有争议。",
        request: "商定每人每月的赡养费。",
        days_ago: 3,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Session),
            (Village, Propose),
        ],
    },
    Story {
        category: "property",
        narrative: "楼上装修漏水，把我家天花板泡坏了。",
        request: "赔偿修缮费用三千元。",
        days_ago: 12,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Session),
            (Village, Propose),
            (Applicant, Sign),
            (Respondent, Sign),
            (Village, Sign),
        ],
    },
    Story {
        category: "labour",
        narrative: "在村里的加工厂干了三个月，工资少发了一个月。",
        request: "补发一个月工资。",
        days_ago: 20,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Propose),
            (Applicant, Sign),
            (Respondent, Sign),
            (Village, Sign),
            (Village, Perform),
            (Village, FollowUp),
        ],
    },
    Story {
        category: "consumer",
        narrative: "在网上买的电动车电池有问题，商家不肯退。",
        request: "退货退款。",
        days_ago: 3,
        steps: &[(Village, Decline)],
    },
    Story {
        category: "neighbour",
        narrative: "隔壁养的狗晚上一直叫，影响休息。",
        request: "请邻居管好狗。",
        days_ago: 2,
        steps: &[(Village, Accept), (Respondent, Refuse)],
    },
    Story {
        category: "traffic",
        narrative: "电动三轮车在村道上刮倒了我家的院墙。",
        request: "赔偿修墙费用。",
        days_ago: 5,
        steps: &[(Applicant, Withdraw)],
    },
    Story {
        category: "land",
        narrative: "宅基地边界有争议，村里调过一次没有结果。",
        request: "请镇里协调划定边界。",
        days_ago: 9,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Escalate),
            (Township, Accept),
        ],
    },
    Story {
        category: "debt",
        narrative: "合伙养殖散伙后，对方一直不结账。",
        request: "结清合伙账目。",
        days_ago: 3,
        steps: &[
            (Village, Accept),
            (Respondent, Refuse),
            (Village, Escalate),
            (Township, Accept),
            (Respondent, Refuse),
            (Township, Escalate),
        ],
    },
    Story {
        category: "family",
        narrative: "离婚后孩子探视安排有纠纷，多次调解未成。",
        request: "明确探视时间。",
        days_ago: 25,
        steps: &[
            (Village, Accept),
            (Respondent, Refuse),
            (Village, Escalate),
            (Township, Accept),
            (Respondent, Refuse),
            (Township, Escalate),
            (County, Accept),
            (Respondent, Refuse),
            (County, Refer),
        ],
    },
    Story {
        category: "property",
        narrative: "物业公司收费和服务不对等，业主拒交物业费。",
        request: "双方协商收费标准。",
        days_ago: 18,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Propose),
            (Applicant, Sign),
            (Respondent, Sign),
            (Village, Sign),
            (Applicant, Apply),
        ],
    },
    Story {
        category: "labour",
        narrative: "装修队拖欠工人工钱。",
        request: "结清工钱八千元。",
        days_ago: 22,
        steps: &[
            (Village, Accept),
            (Respondent, Consent),
            (Village, Propose),
            (Applicant, Sign),
            (Respondent, Sign),
            (Village, Sign),
            (Applicant, Apply),
            (Judge, Confirm),
        ],
    },
];
