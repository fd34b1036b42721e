//! Stateful sequences (issue 14 §4), in the style of proptest-state-machine: runs of
//! creates, fetches, updates (and the other operations on one resource), deletes, list walks
//! and, under a limit, fills, drawn by proptest and checked against a model of the API's
//! state.
//!
//! The model knows what the documents and core say, and nothing the emulator says:
//! - which resources live, and the members each was last sent (echoed in fetches and
//!   updates at the pointers the documented answers echo them at);
//! - the `x-credspec.state` rules of the document ([`crate::spec::StateEffect`]), applied
//!   in `stateful/state.rs`: a unique member (Telnyx aliases), a limit per member value
//!   (Comms credentials per App, Telnyx credentials per tag; core's limits, on create and on
//!   an update that sends the member), a limit of distinct values (Comms Apps per account,
//!   an App going with its last credential), the default of each group (the Comms default
//!   credential of each type in an App, read back in fetches) and a frozen state (an expired
//!   Telnyx credential refuses update and token);
//! - a deleted resource answers 404 to every operation on it;
//! - a list walks a page of one at a time, and the model knows how many pages there are.
//!
//! Each sequence assumes an account of the API's store that holds nothing else, as the
//! paging scenarios do; its cleanup deletes everything it created. The values a sequence
//! sends come from small pools drawn from the members' schemas, so that a unique member
//! repeats and a limit is reached. A sequence is a proptest value, replayed exactly from
//! `--seed`.

use std::collections::BTreeMap;

use proptest::collection::vec;
use proptest::strategy::{BoxedStrategy, Just, Strategy, ValueTree};
use serde_json::{Value, json};

mod state;

use state::{Limit, State};

use super::{PREFIX, case, documented_code, request_json, short, text_strategy};
use crate::spec::{ApiId, ApiSpec, Body, Case, Refusal, SpecSet, StateEffect};
use credspec_core::api::Shape;

/// How many values each pool of a member holds: few, so that values repeat.
const POOL: usize = 3;

/// The longest sequence drawn.
const LONGEST: usize = 10;

/// A documented request that sequences send, with what its documentation answers.
#[derive(Debug, Clone)]
struct Template {
    operation: String,
    /// The rest of the path after `{collection}/{id}` (`/token`), for an operation on one
    /// resource.
    tail: String,
    request: Value,
    status: u16,
    /// Its documented answer reads `true` at a frozen rule's pointer.
    freezes: bool,
    /// The members it sends that the pools draw (indices into [`Model::members`]).
    drawn: Vec<usize>,
    /// The `default_per` rule's flag as it sends it.
    flag: Option<bool>,
}

/// A member whose values come from a pool drawn from its schema.
#[derive(Debug)]
struct Member {
    name: String,
    strategy: BoxedStrategy<String>,
    /// Its schema, which a value made by a fill must also satisfy.
    schema: Value,
}

impl Member {
    fn accepts(&self, value: &str) -> bool {
        jsonschema::is_valid(&self.schema, &Value::from(value))
    }
}

/// One step of a drawn sequence; indices wrap around what exists when it runs.
#[derive(Debug, Clone)]
pub(super) enum Action {
    Create {
        template: usize,
        pick: usize,
    },
    Fetch {
        slot: usize,
    },
    Act {
        template: usize,
        slot: usize,
        pick: usize,
    },
    Delete {
        slot: usize,
    },
    List,
    Fill {
        /// Which limit rule (with a drawn member) it fills.
        limit: usize,
        pick: usize,
    },
}

/// A drawn sequence: the pool of each member, and the actions.
pub(super) type Drawn = (Vec<Vec<String>>, Vec<Action>);

/// The value tree of a drawn sequence, which shrinks it (fewer actions, earlier picks,
/// simpler pool values).
pub(super) type DrawnTree = Box<dyn ValueTree<Value = Drawn>>;

/// What one API's sequences are built from: its documented requests and the state rules of
/// its document.
#[derive(Debug)]
struct Model<'s> {
    api: ApiId,
    spec: &'s ApiSpec,
    creates: Vec<Template>,
    acts: Vec<Template>,
    members: Vec<Member>,
    /// Member → the pointer a resource answer echoes it at.
    echo: BTreeMap<String, String>,
    fetch: Option<String>,
    list: Option<String>,
}

/// The generated sequences of every API.
#[derive(Debug)]
pub struct Sequences<'s> {
    models: Vec<Model<'s>>,
    seed: u64,
}

impl<'s> Sequences<'s> {
    /// The models of every API of `specs`.
    pub fn new(specs: &'s SpecSet, seed: u64) -> Self {
        let models = ApiId::ALL
            .into_iter()
            .filter_map(|api| Model::new(specs, api))
            .collect();
        Self { models, seed }
    }

    /// `count` sequences of `api`.
    pub fn cases(&self, api: ApiId, count: usize) -> Vec<Case> {
        self.draws(api, count)
            .into_iter()
            .filter_map(|(n, tree)| self.case(api, n, &tree.current()))
            .collect()
    }

    /// The first `count` drawn sequences of `api`, each with its index: the same seed draws
    /// the same sequences.
    pub(super) fn draws(&self, api: ApiId, count: usize) -> Vec<(usize, DrawnTree)> {
        let Some(model) = self.models.iter().find(|m| m.api == api) else {
            return Vec::new();
        };
        let mut runner = super::seeded_runner(self.seed, api, "sequences");
        let strategy = model.strategy();
        (0..count)
            .filter_map(|n| {
                Some((
                    n,
                    Box::new(strategy.new_tree(&mut runner).ok()?) as DrawnTree,
                ))
            })
            .collect()
    }

    /// Sequence `n` of `api` as drawn in `drawn`, every expectation from the model.
    pub(super) fn case(&self, api: ApiId, n: usize, drawn: &Drawn) -> Option<Case> {
        self.models
            .iter()
            .find(|m| m.api == api)?
            .case(n, drawn, self.seed)
    }
}

/// Whether `path` is `{collection}/{{var}}` with an optional tail; the tail if so.
fn item_tail<'p>(path: &'p str, collection: &str) -> Option<&'p str> {
    let rest = path.strip_prefix(collection)?.strip_prefix("/{{")?;
    let end = rest.find("}}")?;
    Some(&rest[end + 2..])
}

/// Every plain text member of a request's body (as JSON: `body.form` or `body.json`).
fn text_members(request: &Value) -> BTreeMap<String, String> {
    request
        .pointer("/body/json")
        .or_else(|| request.pointer("/body/form"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
        .collect()
}

/// A boolean member of a request's body, as JSON (`true`) or form text (`"true"`).
fn flag_member(request: &Value, name: &str) -> Option<bool> {
    let value = request
        .pointer("/body/json")
        .or_else(|| request.pointer("/body/form"))?
        .get(name)?;
    value
        .as_bool()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

/// Whether a request's body uses no variable but fixtures.
fn only_fixtures(body: &Value) -> bool {
    let text = body.to_string();
    text.match_indices("{{")
        .all(|(i, _)| text[i..].starts_with("{{fixture:"))
}

impl<'s> Model<'s> {
    fn new(specs: &'s SpecSet, api: ApiId) -> Option<Self> {
        let spec = specs.api(api);
        let row = api.api();
        let frozen_when: Vec<&str> = spec
            .oracle()
            .state
            .iter()
            .filter_map(|r| match &r.effect {
                StateEffect::Frozen { when, .. } => Some(when.as_str()),
                _ => None,
            })
            .collect();
        let default_flag = State::new(&spec.oracle().state).default_flag();
        let mut model = Self {
            api,
            spec,
            creates: Vec::new(),
            acts: Vec::new(),
            members: Vec::new(),
            echo: BTreeMap::new(),
            fetch: None,
            list: None,
        };
        for op in spec.operations().values() {
            match (op.method.as_str(), op.path == row.collection_path) {
                ("GET", true) => model.list = Some(op.id.clone()),
                ("GET", false) if super::on_one(&op.path, row.collection_path) => {
                    model.fetch = Some(op.id.clone());
                }
                _ => {}
            }
        }
        // Creates: the documented positive creates on the collection.
        let mut documented: Vec<_> = super::documented_creates(specs, api)
            .filter(|(request, _)| request.query.is_empty())
            .map(|(request, expect)| (true, request, expect))
            .collect();
        // Operations on one resource: the documented successful steps of scenarios.
        documented.extend(
            super::plain_steps(specs, api)
                .filter(|step| {
                    let r = &step.request;
                    !matches!(r.method.as_str(), "GET" | "DELETE")
                        && item_tail(&r.path, row.collection_path).is_some()
                        && step.expect.status.all().len() == 1
                })
                .map(|step| (false, &step.request, &step.expect)),
        );
        for (create, request, expect) in documented {
            let Some(status) = expect.status.first().filter(|s| (200..300).contains(s)) else {
                continue;
            };
            let (form, members) = match &request.body {
                Some(Body::Form { form }) => (
                    true,
                    form.iter()
                        .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                        .collect::<Vec<_>>(),
                ),
                Some(Body::Json { json }) => (
                    false,
                    json.as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                None if !create => (false, Vec::new()),
                _ => continue,
            };
            let json_body = request_json(request);
            if !only_fixtures(json_body.get("body").unwrap_or(&Value::Null)) {
                continue;
            }
            let media = if form {
                "application/x-www-form-urlencoded"
            } else {
                "application/json"
            };
            let answer = expect.body.as_ref();
            let mut drawn = Vec::new();
            if let Some(schema) = spec.request_schema(&request.operation, Some(media)) {
                for (name, value) in &members {
                    let Some(text) = value.as_str().filter(|v| !v.contains("{{")) else {
                        continue;
                    };
                    // A timestamp stays as documented: its value decides expiry against the
                    // clock, which the model does not see, and the answer restates it in the
                    // API's own form rather than echoing it.
                    if spec.oracle().timestamps.contains_key(name) {
                        continue;
                    }
                    let Some(member) = super::drawable_member(spec, schema, name) else {
                        continue;
                    };
                    let index = match model.members.iter().position(|m| m.name == *name) {
                        Some(i) => i,
                        None => {
                            let (Some(strategy), Ok(validator)) =
                                (text_strategy(member), jsonschema::validator_for(member))
                            else {
                                continue;
                            };
                            let strategy = strategy
                                .prop_filter("valid", move |v| {
                                    validator.is_valid(&Value::from(v.as_str()))
                                })
                                .boxed();
                            model.members.push(Member {
                                name: name.clone(),
                                strategy,
                                schema: member.clone(),
                            });
                            model.members.len() - 1
                        }
                    };
                    drawn.push(index);
                    if let Some(pointer) = answer.and_then(|a| find_string(a, text, String::new()))
                    {
                        model.echo.entry(name.clone()).or_insert(pointer);
                    }
                }
            }
            let freezes = frozen_when
                .iter()
                .any(|when| answer.and_then(|a| a.pointer(when)) == Some(&Value::Bool(true)));
            let flag = default_flag.and_then(|f| flag_member(&json_body, f));
            let template = Template {
                operation: request.operation.clone(),
                tail: item_tail(&request.path, row.collection_path)
                    .unwrap_or_default()
                    .to_owned(),
                request: json_body,
                status,
                freezes,
                drawn,
                flag,
            };
            if create {
                model.creates.push(template);
            } else {
                model.acts.push(template);
            }
        }
        (!model.creates.is_empty()).then_some(model)
    }

    /// The limit rules whose member the pools draw: the rule, its member's index and the
    /// refusal past it.
    fn limits(&self) -> Vec<(Limit<'s>, usize)> {
        State::limits(&self.spec.oracle().state)
            .filter_map(|l| Some((l, self.members.iter().position(|m| m.name == l.member)?)))
            .collect()
    }

    fn strategy(&self) -> BoxedStrategy<Drawn> {
        let pools: Vec<BoxedStrategy<Vec<String>>> = self
            .members
            .iter()
            .map(|m| vec(m.strategy.clone(), POOL).boxed())
            .collect();
        let creates = self.creates.len();
        let acts = self.acts.len();
        let slot = 0..LONGEST;
        // The first value of each pool half the time, so that resources often share a
        // value: an alias repeats, an App gets a second credential of a type.
        let pick = proptest::prop_oneof![3 => Just(0), 3 => 0..POOL].boxed();
        let mut choices: Vec<(u32, BoxedStrategy<Action>)> = vec![
            (
                400,
                (0..creates, pick.clone())
                    .prop_map(|(template, pick)| Action::Create { template, pick })
                    .boxed(),
            ),
            (
                200,
                slot.clone().prop_map(|slot| Action::Fetch { slot }).boxed(),
            ),
            (
                200,
                slot.clone()
                    .prop_map(|slot| Action::Delete { slot })
                    .boxed(),
            ),
            (100, Just(Action::List).boxed()),
        ];
        if acts > 0 {
            choices.push((
                300,
                (0..acts, slot, pick.clone())
                    .prop_map(|(template, slot, pick)| Action::Act {
                        template,
                        slot,
                        pick,
                    })
                    .boxed(),
            ));
        }
        // A fill of a small limit (10 Comms Apps, 10 credentials of an App) is as likely as
        // a list; one of 1000 (a Telnyx tag) a hundredth of that, so that a run of 200
        // sequences reaches it about once rather than sending 100 000 creates.
        for (limit, (rule, _)) in self.limits().into_iter().enumerate() {
            let weight = u32::try_from((1000 / rule.limit.max(1)).clamp(1, 100)).unwrap_or(1);
            choices.push((
                weight,
                pick.clone()
                    .prop_map(move |pick| Action::Fill { limit, pick })
                    .boxed(),
            ));
        }
        let action = proptest::strategy::Union::new_weighted(choices);
        (pools, vec(action, 1..=LONGEST)).boxed()
    }

    /// The request of create template `t` with the pools' values at `p`, and every plain text
    /// member it sends, drawn or documented: a state rule applies to both.
    fn create_request(
        &self,
        t: &Template,
        pools: &[Vec<String>],
        p: usize,
    ) -> Option<(Value, BTreeMap<String, String>)> {
        let mut request = t.request.clone();
        let mut values = text_members(&t.request);
        for &m in &t.drawn {
            let member = self.members.get(m)?;
            let value = pools.get(m)?.get(p % POOL)?;
            set_member(&mut request, &member.name, value);
            values.insert(member.name.clone(), value.clone());
        }
        Some((request, values))
    }

    /// The scenario of a drawn sequence, every expectation from the model.
    fn case(&self, n: usize, (pools, actions): &Drawn, seed: u64) -> Option<Case> {
        let row = self.api.api();
        let mut state = State::new(&self.spec.oracle().state);
        // The list variables of fills, for the cleanup.
        let mut fills: Vec<String> = Vec::new();
        let mut steps = Vec::new();
        let not_found = |operation: &str| {
            documented_code(self.spec, operation, 404)
                .map(|code| json!({"status": 404, "error_code": code}))
        };
        for (i, action) in actions.iter().enumerate() {
            match action {
                Action::Create { template, pick } => {
                    let t = self.creates.get(*template)?;
                    let (request, values) = self.create_request(t, pools, *pick)?;
                    let name = format!("{i}-create");
                    match state.refusal(&values, |_| true, None) {
                        Some(refusal) => {
                            steps.push(json!({"name": name, "request": request, "expect": refusal_expect(refusal)}));
                        }
                        None => {
                            let var = format!("r{}", state.named_vars().count());
                            steps.push(json!({
                                "name": name,
                                "request": request,
                                "expect": {"status": t.status, "body": self.echoed(&values, None), "body_match": "subset"},
                                "capture": {var.clone(): row.id_pointer},
                            }));
                            state.create(Some(var), values, t.flag, t.freezes);
                        }
                    }
                }
                Action::Fetch { slot } => {
                    let Some(index) = state.named(*slot) else {
                        continue;
                    };
                    steps.extend(self.fetch_step(format!("{i}-fetch"), &state, index)?);
                }
                Action::Act {
                    template,
                    slot,
                    pick,
                } => {
                    let (Some(t), Some(index)) = (self.acts.get(*template), state.named(*slot))
                    else {
                        continue;
                    };
                    let r = state.get(index)?;
                    let mut request = t.request.clone();
                    request["path"] =
                        Value::from(item(row.collection_path, r.var.as_deref()?, &t.tail));
                    let mut sent = text_members(&t.request);
                    for &m in &t.drawn {
                        let member = self.members.get(m)?;
                        let value = pools.get(m)?.get(pick % POOL)?;
                        set_member(&mut request, &member.name, value);
                        sent.insert(member.name.clone(), value.clone());
                    }
                    let mut values = r.values.clone();
                    values.extend(sent.clone());
                    let frozen = r
                        .frozen
                        .then(|| state.frozen_refusal(&t.operation))
                        .flatten();
                    let refused = state.refusal(&values, |m| sent.contains_key(m), Some(index));
                    let expect = if !r.live {
                        not_found(&t.operation)?
                    } else if let Some(refusal) = frozen.or(refused) {
                        refusal_expect(refusal)
                    } else {
                        state.update(index, values.clone(), t.flag, t.freezes);
                        // An operation under the resource (a token) answers something else.
                        if t.tail.is_empty() {
                            json!({"status": t.status, "body": self.echoed(&values, None), "body_match": "subset"})
                        } else {
                            json!({"status": t.status})
                        }
                    };
                    let name = format!("{i}-{}", t.operation);
                    steps.push(json!({"name": name, "request": request, "expect": expect}));
                }
                Action::Delete { slot } => {
                    let Some(index) = state.named(*slot) else {
                        continue;
                    };
                    let var = state.get(index)?.var.clone()?;
                    let operation = row.delete.operation;
                    let request = json!({"operation": operation, "method": "DELETE", "path": item(row.collection_path, &var, ""), "auth": "valid"});
                    let expect = if state.delete(index) {
                        json!({"status": row.delete.status})
                    } else {
                        not_found(operation)?
                    };
                    steps.push(json!({"name": format!("{i}-delete"), "request": request, "expect": expect}));
                }
                Action::List => {
                    steps.extend(self.list_walk(i, state.live())?);
                }
                Action::Fill { limit, pick } => {
                    let Some(&(limit, member)) = self.limits().get(*limit) else {
                        continue;
                    };
                    let Some(t) = self.creates.iter().find(|t| t.drawn.contains(&member)) else {
                        continue;
                    };
                    let (mut request, values) = self.create_request(t, pools, *pick)?;
                    // A fill repeats one request: a unique member would refuse the second.
                    if state.unique_members().any(|m| values.contains_key(m)) {
                        continue;
                    }
                    let mut items = Vec::new();
                    let past = if limit.distinct {
                        // New values, one per create (`{{i}}` counts the repeats from 1),
                        // then one more past the limit.
                        let fresh = |k: &str| format!("credspec_fill{i}_{k}");
                        let m = self.members.get(member)?;
                        if !m.accepts(&fresh("1000")) {
                            continue;
                        }
                        for k in 1..=state.room(limit, "") {
                            let mut v = values.clone();
                            v.insert(limit.member.to_owned(), fresh(&k.to_string()));
                            items.push(v);
                        }
                        set_member(&mut request, limit.member, &fresh("{{i}}"));
                        let mut past = values.clone();
                        past.insert(limit.member.to_owned(), fresh("past"));
                        past
                    } else {
                        let value = values.get(limit.member)?.clone();
                        items = vec![values.clone(); state.room(limit, &value)];
                        values.clone()
                    };
                    // Only a fill whose first create another rule does not refuse.
                    if let Some(first) = items.first()
                        && state.refusal(first, |_| true, None).is_some()
                    {
                        items.clear();
                    }
                    if !items.is_empty() {
                        let var = format!("f{}", fills.len());
                        steps.push(json!({
                            "name": format!("{i}-fill"),
                            "repeat": items.len(),
                            "request": request.clone(),
                            "expect": {"status": t.status},
                            "capture_all": {var.clone(): row.id_pointer},
                        }));
                        fills.push(var);
                        for item in items {
                            state.create(None, item, t.flag, t.freezes);
                        }
                    }
                    let Some(refusal) = state.refusal(&past, |_| true, None) else {
                        continue;
                    };
                    if let Some(value) = past.get(limit.member) {
                        set_member(&mut request, limit.member, value);
                    }
                    steps.push(json!({"name": format!("{i}-past-the-limit"), "request": request, "expect": refusal_expect(refusal)}));
                }
            }
        }
        if steps.is_empty() {
            return None;
        }
        // Last, what the model says of every resource the sequence named, as the invariant
        // check of a state machine test: a demoted default, a value an update set.
        let named: Vec<(usize, String)> = (0..state.named_vars().count())
            .filter_map(|n| {
                let index = state.named(n)?;
                Some((index, state.get(index)?.var.clone()?))
            })
            .collect();
        for (index, var) in named {
            steps.extend(self.fetch_step(format!("end-fetch-{var}"), &state, index)?);
        }
        let delete = |path: String| json!({"operation": row.delete.operation, "method": "DELETE", "path": path, "auth": "valid"});
        let gone = json!({"status": [row.delete.status, 404]});
        let mut cleanup: Vec<Value> = state
            .named_vars()
            .map(|var| {
                json!({"name": format!("delete-{var}"), "request": delete(item(row.collection_path, var, "")), "expect": gone})
            })
            .collect();
        for var in &fills {
            cleanup.push(json!({
                "name": format!("delete-{var}"),
                "for_each": var,
                "as": "each",
                "request": delete(item(row.collection_path, "each", "")),
                "expect": gone,
            }));
        }
        let mut source = vec![format!("spec:{}", self.api.as_str())];
        source.extend(
            self.spec
                .oracle()
                .state
                .iter()
                .map(|r| format!("rule:{}", r.rule)),
        );
        let id = format!("{PREFIX}{}.sequence-{n}", short(self.api));
        let title = format!(
            "A drawn sequence of {} requests checked against the model of the API's state (seed {seed})",
            steps.len()
        );
        let mut value = case(
            id,
            title,
            self.api,
            "scenario",
            json!({"steps": steps, "cleanup": cleanup}),
        )?;
        value.source = source;
        Some(value)
    }
    /// A fetch of resource `index` named `name`, with what the model says it answers; no
    /// step when the document has no fetch.
    fn fetch_step(&self, name: String, state: &State<'_>, index: usize) -> Option<Option<Value>> {
        let Some(operation) = &self.fetch else {
            return Some(None);
        };
        let r = state.get(index)?;
        let var = r.var.as_deref()?;
        let row = self.api.api();
        let request = json!({"operation": operation, "method": "GET", "path": item(row.collection_path, var, ""), "auth": "valid"});
        let expect = if r.live {
            let body = self.echoed(&r.values, state.default_answer(index));
            json!({"status": 200, "body": body, "body_match": "subset"})
        } else {
            let code = documented_code(self.spec, operation, 404)?;
            json!({"status": 404, "error_code": code})
        };
        Some(Some(
            json!({"name": name, "request": request, "expect": expect}),
        ))
    }

    /// The subset of a resource answer that echoes `values`, and the default rule's flag
    /// when the model knows it (a fetch).
    fn echoed(&self, values: &BTreeMap<String, String>, default: Option<(&str, bool)>) -> Value {
        let mut out = json!({});
        for (member, value) in values {
            if let Some(pointer) = self.echo.get(member) {
                set_pointer(&mut out, pointer, Value::from(value.as_str()));
            }
        }
        if let Some((pointer, flag)) = default {
            set_pointer(&mut out, pointer, Value::Bool(flag));
        }
        out
    }

    /// A walk of the list a page of one at a time, over the first two pages: what each
    /// says of the page it is and of the `live` resources.
    fn list_walk(&self, i: usize, live: usize) -> Option<Vec<Value>> {
        let operation = self.list.as_ref()?;
        let row = self.api.api();
        let list = |query: Value, path: &str| json!({"operation": operation, "method": "GET", "path": path, "query": query, "auth": "valid"});
        let collection = row.collection_path;
        let mut out = Vec::new();
        match row.shape {
            Shape::TwilioClassic { .. } => {
                let mut first = json!({
                    "name": format!("{i}-list-page-0"),
                    "request": list(json!({"PageSize": "1"}), collection),
                    "expect": {"status": 200, "body": {"meta": {"page": 0, "page_size": 1}}, "body_match": "subset"},
                });
                if live >= 2 {
                    first["capture"] = json!({"next": "/meta/next_page_url"});
                    out.push(first);
                    out.push(json!({
                        "name": format!("{i}-list-page-1"),
                        "request": {"operation": operation, "method": "GET", "path": "{{next}}", "auth": "valid"},
                        "expect": {"status": 200, "body": {"meta": {"page": 1, "page_size": 1}}, "body_match": "subset"},
                    }));
                } else {
                    first["expect"]["body"]["meta"]["next_page_url"] = Value::Null;
                    out.push(first);
                }
            }
            Shape::TelnyxMobilePush | Shape::TelnyxTelephony => {
                for page in 1..=live.clamp(1, 2) {
                    out.push(json!({
                        "name": format!("{i}-list-page-{page}"),
                        "request": list(json!({"page[size]": "1", "page[number]": page.to_string()}), collection),
                        "expect": {"status": 200, "body": {"meta": {"page_number": page, "page_size": 1, "total_results": live, "total_pages": live.max(1)}}, "body_match": "subset"},
                    }));
                }
            }
            Shape::TwilioComms => {
                let mut first = json!({
                    "name": format!("{i}-list-page-1"),
                    "request": list(json!({"pageSize": "1"}), collection),
                    "expect": {"status": 200, "body": {"meta": {"pageSize": 1}}, "body_match": "subset"},
                });
                if live >= 2 {
                    first["capture"] = json!({"token": "/meta/nextToken"});
                    out.push(first);
                    out.push(json!({
                        "name": format!("{i}-list-page-2"),
                        "request": list(json!({"pageSize": "1", "pageToken": "{{token}}"}), collection),
                        "expect": {"status": 200, "body": {"meta": {"pageSize": 1}}, "body_match": "subset"},
                    }));
                } else {
                    first["expect"]["body"]["meta"]["nextToken"] = Value::Null;
                    out.push(first);
                }
            }
        }
        Some(out)
    }
}

fn item(collection: &str, var: &str, tail: &str) -> String {
    format!("{collection}/{{{{{var}}}}}{tail}")
}

fn refusal_expect(refusal: &Refusal) -> Value {
    let mut expect = json!({"status": refusal.status});
    if let Some(code) = &refusal.error_code {
        expect["error_code"] = code.clone();
    }
    if let Some(body) = &refusal.body {
        expect["body"] = body.clone();
        expect["body_match"] = Value::from("exact");
    }
    expect
}

/// Sets a body member of a request (as JSON: `request.body.form` or `.json`).
fn set_member(request: &mut Value, name: &str, value: &str) {
    if let Some(form) = request
        .pointer_mut("/body/form")
        .and_then(Value::as_object_mut)
    {
        form.insert(name.to_owned(), Value::from(value));
    } else if let Some(json) = request
        .pointer_mut("/body/json")
        .and_then(Value::as_object_mut)
    {
        json.insert(name.to_owned(), Value::from(value));
    }
}

/// The pointer of the first string member of `value` equal to `text`, outside arrays.
fn find_string(value: &Value, text: &str, at: String) -> Option<String> {
    match value {
        Value::String(s) if s == text => Some(at),
        Value::Object(members) => members.iter().find_map(|(k, v)| {
            find_string(
                v,
                text,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
            )
        }),
        _ => None,
    }
}

/// Sets `pointer` in `out`, making the objects along it.
fn set_pointer(out: &mut Value, pointer: &str, value: Value) {
    let mut at = out;
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    for (n, token) in tokens.iter().enumerate() {
        let Some(object) = at.as_object_mut() else {
            return;
        };
        if n + 1 == tokens.len() {
            object.insert(token.clone(), value);
            return;
        }
        at = object.entry(token.clone()).or_insert_with(|| json!({}));
    }
}
