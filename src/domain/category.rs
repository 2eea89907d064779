use serde::{Deserialize, Serialize};

/// What the dispute is about (SPEC §2). The codes are part of the API contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Neighbour,
    Land,
    Family,
    Debt,
    Labour,
    Property,
    Traffic,
    Consumer,
    Other,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Neighbour,
        Category::Land,
        Category::Family,
        Category::Debt,
        Category::Labour,
        Category::Property,
        Category::Traffic,
        Category::Consumer,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Neighbour => "neighbour",
            Category::Land => "land",
            Category::Family => "family",
            Category::Debt => "debt",
            Category::Labour => "labour",
            Category::Property => "property",
            Category::Traffic => "traffic",
            Category::Consumer => "consumer",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Category::Neighbour => "邻里纠纷",
            Category::Land => "土地山林",
            Category::Family => "婚姻家庭",
            Category::Debt => "借贷债务",
            Category::Labour => "劳动工资",
            Category::Property => "物业管理",
            Category::Traffic => "交通事故",
            Category::Consumer => "消费纠纷",
            Category::Other => "其他纠纷",
        }
    }
}
