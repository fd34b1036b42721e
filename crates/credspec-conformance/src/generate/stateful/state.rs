//! The model's view of one API's state while a drawn sequence runs: which resources live,
//! the members each was last sent, which one is the default of its group, and what the
//! document's state rules ([`StateEffect`]) make of a create, an update and a delete.
//!
//! It reads the rules as `x-credspec.state` states them and nothing else: no code of the
//! codecs or the emulator, so that it stays an oracle.

use std::collections::{BTreeMap, BTreeSet};

use crate::spec::{Refusal, StateEffect, StateRule};

/// A resource of the model.
#[derive(Debug, Clone)]
pub(super) struct Resource {
    /// The variable its id is captured in; `None` for one made by a fill.
    pub(super) var: Option<String>,
    pub(super) live: bool,
    /// A frozen rule's answer read `true`: the rule's operations are refused.
    pub(super) frozen: bool,
    /// The default of its group, under a `default_per` rule.
    pub(super) default: bool,
    /// Every plain text member it was last sent.
    pub(super) values: BTreeMap<String, String>,
}

/// A limit rule of the document.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limit<'r> {
    pub(super) member: &'r str,
    pub(super) limit: usize,
    /// `limit_distinct`: the limit counts distinct values, not resources with one value.
    pub(super) distinct: bool,
}

/// The state of one API's account during one sequence.
#[derive(Debug)]
pub(super) struct State<'r> {
    rules: &'r [StateRule],
    /// Every resource made, in the order made (the oldest first).
    resources: Vec<Resource>,
    /// The resources the sequence names, in the order made: indices into `resources`.
    named: Vec<usize>,
}

impl<'r> State<'r> {
    pub(super) fn new(rules: &'r [StateRule]) -> Self {
        Self {
            rules,
            resources: Vec::new(),
            named: Vec::new(),
        }
    }

    /// The limit rules, in the document's order.
    pub(super) fn limits(rules: &'r [StateRule]) -> impl Iterator<Item = Limit<'r>> {
        rules.iter().filter_map(|r| match &r.effect {
            StateEffect::LimitPer { member, limit, .. } => Some(Limit {
                member,
                limit: *limit,
                distinct: false,
            }),
            StateEffect::LimitDistinct { member, limit, .. } => Some(Limit {
                member,
                limit: *limit,
                distinct: true,
            }),
            _ => None,
        })
    }

    /// The members no two live resources may share.
    pub(super) fn unique_members(&self) -> impl Iterator<Item = &'r str> {
        self.rules.iter().filter_map(|r| match &r.effect {
            StateEffect::Unique { member, .. } => Some(member.as_str()),
            _ => None,
        })
    }

    /// The named resource `pick` lands on (picks wrap around), as an index.
    pub(super) fn named(&self, pick: usize) -> Option<usize> {
        self.named.get(pick.checked_rem(self.named.len())?).copied()
    }

    pub(super) fn get(&self, index: usize) -> Option<&Resource> {
        self.resources.get(index)
    }

    /// The variables of the named resources, in the order made.
    pub(super) fn named_vars(&self) -> impl Iterator<Item = &str> {
        self.named
            .iter()
            .filter_map(|&i| self.resources.get(i)?.var.as_deref())
    }

    pub(super) fn live(&self) -> usize {
        self.resources.iter().filter(|r| r.live).count()
    }

    /// How many live resources other than `except` hold `value` for `member`.
    fn held(&self, member: &str, value: &str, except: Option<usize>) -> usize {
        self.others(except)
            .filter(|(_, r)| r.values.get(member).is_some_and(|v| v == value))
            .count()
    }

    /// The distinct values of `member` among live resources other than `except`.
    fn distinct(&self, member: &str, except: Option<usize>) -> BTreeSet<&str> {
        self.others(except)
            .filter_map(|(_, r)| r.values.get(member).map(String::as_str))
            .collect()
    }

    /// How many more resources with `value` for `member` the limit takes.
    pub(super) fn room(&self, limit: Limit<'_>, value: &str) -> usize {
        let used = if limit.distinct {
            self.distinct(limit.member, None).len()
        } else {
            self.held(limit.member, value, None)
        };
        limit.limit.saturating_sub(used)
    }

    fn others(&self, except: Option<usize>) -> impl Iterator<Item = (usize, &Resource)> {
        self.resources
            .iter()
            .enumerate()
            .filter(move |(i, r)| r.live && Some(*i) != except)
    }

    /// The refusal a request that leaves a resource with `values` meets under the rules, if
    /// any: a create (`except` is `None`), or an update of resource `except`. Only the
    /// members the request sends (`sends`) are judged.
    pub(super) fn refusal(
        &self,
        values: &BTreeMap<String, String>,
        sends: impl Fn(&str) -> bool,
        except: Option<usize>,
    ) -> Option<&'r Refusal> {
        let sent = |member: &str| values.get(member).filter(|_| sends(member));
        self.rules.iter().find_map(|r| match &r.effect {
            StateEffect::Unique { member, refusal } => {
                let value = sent(member)?;
                (self.held(member, value, except) > 0).then_some(refusal)
            }
            StateEffect::LimitPer {
                member,
                limit,
                refusal,
            } => {
                let value = sent(member)?;
                (self.held(member, value, except) >= *limit).then_some(refusal)
            }
            StateEffect::LimitDistinct {
                member,
                limit,
                refusal,
            } => {
                let value = sent(member)?;
                let distinct = self.distinct(member, except);
                (!distinct.contains(value.as_str()) && distinct.len() >= *limit).then_some(refusal)
            }
            StateEffect::DefaultPer { .. } | StateEffect::Frozen { .. } => None,
        })
    }

    /// The refusal of `operation` on a frozen resource, if a frozen rule names it.
    pub(super) fn frozen_refusal(&self, operation: &str) -> Option<&'r Refusal> {
        self.rules.iter().find_map(|r| match &r.effect {
            StateEffect::Frozen { refuses, .. } => refuses.get(operation),
            _ => None,
        })
    }

    /// The `default_per` rule: its group members, flag member and answer pointer.
    fn default_rule(&self) -> Option<(&'r [String], &'r str, &'r str)> {
        self.rules.iter().find_map(|r| match &r.effect {
            StateEffect::DefaultPer { group, flag, at } => {
                Some((group.as_slice(), flag.as_str(), at.as_str()))
            }
            _ => None,
        })
    }

    /// The `default_per` rule's flag member, if the document has one.
    pub(super) fn default_flag(&self) -> Option<&'r str> {
        self.default_rule().map(|(_, flag, _)| flag)
    }

    /// The live resources other than `index` in the group of resource `index`, the oldest
    /// first; `None` when there is no rule or the resource lacks a member of the group.
    fn group_of(&self, index: usize) -> Option<Vec<usize>> {
        let (group, _, _) = self.default_rule()?;
        let values = &self.resources.get(index)?.values;
        let key: Vec<&String> = group.iter().map(|m| values.get(m)).collect::<Option<_>>()?;
        Some(
            self.others(Some(index))
                .filter(|(_, r)| {
                    group
                        .iter()
                        .zip(&key)
                        .all(|(m, v)| r.values.get(m) == Some(v))
                })
                .map(|(i, _)| i)
                .collect(),
        )
    }

    fn set_default(&mut self, index: usize, default: bool) {
        if let Some(r) = self.resources.get_mut(index) {
            r.default = default;
        }
    }

    /// Makes a resource: `var` names it (`None` for one of a fill), `flag` is the default
    /// rule's flag as the request sends it. Returns its index.
    pub(super) fn create(
        &mut self,
        var: Option<String>,
        values: BTreeMap<String, String>,
        flag: Option<bool>,
        frozen: bool,
    ) -> usize {
        let index = self.resources.len();
        if var.is_some() {
            self.named.push(index);
        }
        self.resources.push(Resource {
            var,
            live: true,
            frozen,
            default: false,
            values,
        });
        if let Some(group) = self.group_of(index) {
            let current = group
                .iter()
                .copied()
                .find(|&i| self.resources.get(i).is_some_and(|r| r.default));
            if group.is_empty() || flag == Some(true) || current.is_none() {
                if let Some(current) = current {
                    self.set_default(current, false);
                }
                self.set_default(index, true);
            }
        }
        index
    }

    /// Updates resource `index` to `values`, with the default rule's flag as sent.
    pub(super) fn update(
        &mut self,
        index: usize,
        values: BTreeMap<String, String>,
        flag: Option<bool>,
        freezes: bool,
    ) {
        let Some(r) = self.resources.get_mut(index) else {
            return;
        };
        r.values = values;
        r.frozen |= freezes;
        let default = r.default;
        let (Some(flag), Some(group)) = (flag, self.group_of(index)) else {
            return;
        };
        match (flag, default) {
            (true, false) => {
                for i in group {
                    self.set_default(i, false);
                }
                self.set_default(index, true);
            }
            (false, true) => {
                if let Some(&oldest) = group.first() {
                    self.set_default(index, false);
                    self.set_default(oldest, true);
                }
            }
            _ => {}
        }
    }

    /// Deletes resource `index`; whether it was live. A deleted default hands the flag to
    /// the oldest remaining resource of its group.
    pub(super) fn delete(&mut self, index: usize) -> bool {
        let group = self.group_of(index);
        let Some(r) = self.resources.get_mut(index) else {
            return false;
        };
        let was = (r.live, r.default);
        r.live = false;
        r.default = false;
        if was == (true, true)
            && let Some(&oldest) = group.as_deref().and_then(<[usize]>::first)
        {
            self.set_default(oldest, true);
        }
        was.0
    }

    /// What a fetch of resource `index` answers for the default rule: the pointer and the
    /// flag, when the rule groups it.
    pub(super) fn default_answer(&self, index: usize) -> Option<(&'r str, bool)> {
        let (_, _, at) = self.default_rule()?;
        self.group_of(index)?;
        Some((at, self.resources.get(index)?.default))
    }
}
