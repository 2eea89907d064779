//! A natural person's particulars as the documents of people's mediation record them (People's
//! Mediation Law art. 29): sex, year of birth, ethnicity, occupation or employer, address.
//! Each is optional: a document shows what was recorded. Stored sealed, like phone numbers.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub fn label_zh(self) -> &'static str {
        match self {
            Sex::Female => "女",
            Sex::Male => "男",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Particulars {
    pub sex: Option<Sex>,
    pub birth_year: Option<i32>,
    pub ethnicity: Option<String>,
    /// Occupation or employer.
    pub occupation: Option<String>,
    pub address: Option<String>,
}

fn tidy(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, String> {
    let Some(v) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(format!("{field} is too long (at most {max} characters)."));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(format!("{field} contains a control character."));
    }
    Ok(Some(v))
}

impl Particulars {
    /// Trimmed and bounded, empty texts dropped; a refusal names the field.
    pub fn checked(self, this_year: i32) -> Result<Particulars, String> {
        if let Some(y) = self.birth_year
            && !(1900..=this_year).contains(&y)
        {
            return Err(format!(
                "birth_year must be a year between 1900 and {this_year}."
            ));
        }
        Ok(Particulars {
            sex: self.sex,
            birth_year: self.birth_year,
            ethnicity: tidy("ethnicity", self.ethnicity, 20)?,
            occupation: tidy("occupation", self.occupation, 100)?,
            address: tidy("address", self.address, 200)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        *self == Particulars::default()
    }

    /// As someone outside the case's parties and mediators reads them: sex, year of birth and
    /// ethnicity; the occupation hidden; the address cut to its first six characters (about the
    /// county).
    pub fn masked(&self) -> Particulars {
        Particulars {
            occupation: self.occupation.as_ref().map(|_| "***".to_owned()),
            address: self
                .address
                .as_ref()
                .map(|a| format!("{}***", a.chars().take(6).collect::<String>())),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_and_masked() -> Result<(), String> {
        let p = Particulars {
            sex: Some(Sex::Female),
            birth_year: Some(1962),
            ethnicity: Some(" 汉族 ".into()),
            occupation: Some("".into()),
            address: Some("浙江省诸暨市枫桥镇枫源村 12 号".into()),
        }
        .checked(2026)?;
        assert_eq!(p.ethnicity.as_deref(), Some("汉族"));
        assert_eq!(p.occupation, None);
        assert_eq!(p.masked().address.as_deref(), Some("浙江省诸暨市***"));
        let old = Particulars {
            birth_year: Some(1850),
            ..Default::default()
        };
        assert!(old.checked(2026).is_err());
        let long = Particulars {
            address: Some("村".repeat(201)),
            ..Default::default()
        };
        assert!(long.checked(2026).is_err_and(|e| e.contains("address")));
        Ok(())
    }
}
