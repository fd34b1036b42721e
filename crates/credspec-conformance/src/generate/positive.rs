//! Drawn positives: the documented create of each collection with one constrained text
//! member (a name, an alias, a tag) replaced by a value drawn from its schema (`pattern`,
//! `minLength`, `maxLength`; proptest, seeded), each confirmed valid by the member's schema →
//! the documented success, every answer check, and the cleanup of a create. Members under a
//! state rule (decision D46: Comms `appName`, whose Apps are limited) are left as documented,
//! and so is material.

use proptest::strategy::{BoxedStrategy, Strategy as _, ValueTree};
use serde_json::{Value, json};

use super::{
    PREFIX, STATEFUL_MEMBERS, body_template, case, drawable_member, request_json, seeded_runner,
    short, text_strategy,
};
use crate::spec::{ApiId, Body, Case, Request, SpecSet};

/// A member of a documented create that values are drawn for.
struct Drawable {
    name: String,
    strategy: BoxedStrategy<String>,
    validator: jsonschema::Validator,
}

/// One create operation's drawn positives: its documented request, its success status and
/// the members drawn in turn.
pub(super) struct Positive<'s> {
    api: ApiId,
    pub(super) operation: String,
    template: &'s Request,
    status: u16,
    form: bool,
    drawable: Vec<Drawable>,
}

impl<'s> Positive<'s> {
    /// Every create on a collection of `api` with a documented request and a member to draw.
    pub(super) fn of_api(specs: &'s SpecSet, api: ApiId) -> Vec<Self> {
        let spec = specs.api(api);
        let row = api.api();
        let mut out = Vec::new();
        for op in spec
            .operations()
            .values()
            .filter(|op| op.method == "POST" && op.path == row.collection_path)
        {
            let Some((template, expect)) = body_template(specs, api, &op.id) else {
                continue;
            };
            let Some(status) = expect.and_then(|e| e.status.all().first().copied()) else {
                continue;
            };
            let (form, media, members) = match &template.body {
                Some(Body::Form { form }) => (
                    true,
                    "application/x-www-form-urlencoded",
                    form.iter()
                        .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                        .collect::<Vec<_>>(),
                ),
                Some(Body::Json { json }) => (
                    false,
                    "application/json",
                    json.as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                _ => continue,
            };
            let Some(schema) = spec.request_schema(&op.id, Some(media)) else {
                continue;
            };
            // Text members the template sends as plain text, with a strategy and a validator.
            let mut drawable = Vec::new();
            for (name, value) in &members {
                let plain = value.as_str().is_some_and(|v| !v.contains("{{"));
                if !plain || STATEFUL_MEMBERS.contains(&name.as_str()) {
                    continue;
                }
                let Some(member) = drawable_member(spec, schema, name) else {
                    continue;
                };
                let (Some(strategy), Ok(validator)) =
                    (text_strategy(member), jsonschema::validator_for(member))
                else {
                    continue;
                };
                drawable.push(Drawable {
                    name: name.clone(),
                    strategy,
                    validator,
                });
            }
            if !drawable.is_empty() {
                out.push(Self {
                    api,
                    operation: op.id.clone(),
                    template,
                    status,
                    form,
                    drawable,
                });
            }
        }
        out
    }

    /// The first `count` draws from `seed`, each with its index: draw `n` is of member
    /// `n % members`, and the same seed draws the same values.
    pub(super) fn draws(
        &self,
        seed: u64,
        count: usize,
    ) -> impl Iterator<Item = (usize, Box<dyn ValueTree<Value = String>>)> + '_ {
        let mut runner = seeded_runner(seed, self.api, &self.operation);
        (0..count).filter_map(move |n| {
            let member = self.drawable.get(n % self.drawable.len())?;
            member
                .strategy
                .new_tree(&mut runner)
                .ok()
                .map(|tree| (n, Box::new(tree) as Box<dyn ValueTree<Value = String>>))
        })
    }

    /// Draw `n` as a case, with `value` for its member; `None` when the member's schema
    /// refuses the value.
    pub(super) fn case(&self, n: usize, value: String, seed: u64) -> Option<Case> {
        let member = self.drawable.get(n % self.drawable.len())?;
        if !member.validator.is_valid(&Value::from(value.as_str())) {
            return None;
        }
        let name = member.name.as_str();
        let mut request = request_json(self.template);
        let slot = if self.form {
            &mut request["body"]["form"][name]
        } else {
            &mut request["body"]["json"][name]
        };
        *slot = Value::from(value);
        let id = Self::id(self.api, &self.operation, name, n);
        let title = format!(
            "{} with a {name} drawn from its schema (seed {seed})",
            self.operation
        );
        let body = json!({"request": request, "expect": {"status": self.status}});
        case(id, title, self.api, "positive", body)
    }

    /// The id of draw `n` for `member` of `operation`.
    fn id(api: ApiId, operation: &str, member: &str, n: usize) -> String {
        format!(
            "{PREFIX}{}.{operation}.positive.{}-{n}",
            short(api),
            member.to_ascii_lowercase()
        )
    }

    /// The index of the draw that `id` names, if it is one of this operation's.
    pub(super) fn draw_of(&self, id: &str) -> Option<usize> {
        let rest = id.strip_prefix(&format!(
            "{PREFIX}{}.{}.positive.",
            short(self.api),
            self.operation
        ))?;
        let (member, n) = rest.rsplit_once('-')?;
        let n: usize = n.parse().ok()?;
        let drawn = self.drawable.get(n % self.drawable.len())?;
        (drawn.name.to_ascii_lowercase() == member).then_some(n)
    }
}
