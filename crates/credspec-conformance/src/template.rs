//! `{{...}}` templates in case files: captured variables, target variables, fixtures and the
//! repeat index.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::fixtures::Fixtures;

/// A variable's value: one string, or a list collected over repeats (`capture_all`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Var {
    /// One value.
    One(String),
    /// Values collected over the repeats of a step.
    List(Vec<String>),
}

/// A template that cannot be filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// `{{name}}` names no variable in scope.
    #[error("unknown template variable {{{{{0}}}}}")]
    Unknown(String),
    /// `{{fixture:NAME}}` names no fixture.
    #[error("unknown fixture {{{{fixture:{0}}}}}")]
    UnknownFixture(String),
    /// A list variable used where one value is needed.
    #[error("{{{{{0}}}}} is a list; use it with for_each")]
    List(String),
    /// `{{` without a closing `}}`.
    #[error("unclosed template in {0:?}")]
    Unclosed(String),
}

/// How fixtures are written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixtureMode {
    /// The material itself (what is sent).
    Reveal,
    /// `<fixture:NAME>` (what a report or a curl command shows).
    Mask,
}

/// The variables in scope for one request.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    vars: BTreeMap<String, Var>,
}

impl Scope {
    /// Sets a single-valued variable.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(name.into(), Var::One(value.into()));
    }

    /// Appends to a list variable.
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        match self.vars.get_mut(name) {
            Some(Var::List(items)) => items.push(value.into()),
            _ => {
                self.vars
                    .insert(name.to_owned(), Var::List(vec![value.into()]));
            }
        }
    }

    /// A variable's value.
    pub fn get(&self, name: &str) -> Option<&Var> {
        self.vars.get(name)
    }

    /// Every single-valued variable: (name, value).
    pub fn values(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().filter_map(|(k, v)| match v {
            Var::One(s) => Some((k.as_str(), s.as_str())),
            Var::List(_) => None,
        })
    }

    /// Fills every template in `text`.
    pub fn render(
        &self,
        text: &str,
        fixtures: &Fixtures,
        mode: FixtureMode,
    ) -> Result<String, TemplateError> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| TemplateError::Unclosed(text.chars().take(80).collect()))?;
            let name = after[..end].trim();
            if let Some(fixture) = name.strip_prefix("fixture:") {
                let value = fixtures
                    .get(fixture)
                    .ok_or_else(|| TemplateError::UnknownFixture(fixture.to_owned()))?;
                match mode {
                    FixtureMode::Reveal => out.push_str(value),
                    FixtureMode::Mask => {
                        out.push_str("<fixture:");
                        out.push_str(fixture);
                        out.push('>');
                    }
                }
            } else {
                match self.vars.get(name) {
                    Some(Var::One(value)) => out.push_str(value),
                    Some(Var::List(_)) => return Err(TemplateError::List(name.to_owned())),
                    None => return Err(TemplateError::Unknown(name.to_owned())),
                }
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Fills every template in every string (not key) of a JSON value.
    pub fn render_json(
        &self,
        value: &Value,
        fixtures: &Fixtures,
        mode: FixtureMode,
    ) -> Result<Value, TemplateError> {
        Ok(match value {
            Value::String(s) => Value::String(self.render(s, fixtures, mode)?),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.render_json(v, fixtures, mode))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.render_json(v, fixtures, mode)?)))
                    .collect::<Result<_, TemplateError>>()?,
            ),
            other => other.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_variables_fixtures_and_reports_errors() {
        let fixtures = Fixtures::generate().unwrap();
        let mut scope = Scope::default();
        scope.set("sid", "CR1");
        scope.push("sids", "CR2");
        assert_eq!(
            scope
                .render("/v1/Credentials/{{sid}}", &fixtures, FixtureMode::Reveal)
                .unwrap(),
            "/v1/Credentials/CR1"
        );
        assert_eq!(
            scope
                .render("{{ fixture:not-pem }}!", &fixtures, FixtureMode::Mask)
                .unwrap(),
            "<fixture:not-pem>!"
        );
        assert_eq!(
            scope
                .render("{{fixture:not-pem}}", &fixtures, FixtureMode::Reveal)
                .unwrap(),
            "this is not PEM material"
        );
        assert_eq!(
            scope.render("{{nope}}", &fixtures, FixtureMode::Reveal),
            Err(TemplateError::Unknown("nope".into()))
        );
        assert_eq!(
            scope.render("{{sids}}", &fixtures, FixtureMode::Reveal),
            Err(TemplateError::List("sids".into()))
        );
        assert!(matches!(
            scope.render("{{sid", &fixtures, FixtureMode::Reveal),
            Err(TemplateError::Unclosed(_))
        ));
        let json = serde_json::json!({"a": ["{{sid}}", 1], "{{sid}}": true});
        assert_eq!(
            scope
                .render_json(&json, &fixtures, FixtureMode::Reveal)
                .unwrap(),
            serde_json::json!({"a": ["CR1", 1], "{{sid}}": true})
        );
    }
}
