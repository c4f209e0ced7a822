//! Operators: typed operations with declared IAM actions, offered as MCP tools.

use crate::error::{Error, Result};
use crate::{AccessLevel, Action, Connection};
use async_trait::async_trait;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::marker::PhantomData;

/// Proof that the connection's access level allows the actions of operator `O`. Only
/// [`Operator::call`] and [`Tool::call_json`] make one, after checking `O`'s actions, so no
/// caller can reach [`Operator::execute`] around the check, nor hand one operator's proof to
/// another.
pub struct AccessChecked<O: ?Sized>(PhantomData<fn() -> O>);

impl<O: ?Sized> fmt::Debug for AccessChecked<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessChecked")
    }
}

/// What an operator runs on. [`operator_struct!`](crate::operator_struct) implements it for
/// the structs it declares; implement it by hand for an operator struct of your own.
pub trait OnConnection {
    /// The connection the operation runs on.
    fn connection(&self) -> &Connection;
}

/// One operation on the customer's account (an "MCP tool" of the spec).
///
/// Implement [`execute`](Operator::execute); callers use [`call`](Operator::call), which first
/// refuses, before any request, an operation that needs more access than the connection has.
/// `execute` takes an [`AccessChecked`] that only `call` can give, so the check cannot be
/// skipped.
#[async_trait]
pub trait Operator: OnConnection + Send + Sync {
    /// The typed input.
    type Input: DeserializeOwned + JsonSchema + Send + 'static;
    /// The typed output.
    type Output: Serialize + JsonSchema + Send + 'static;

    /// The tool name, snake_case, e.g. `glue_get_table`.
    const NAME: &'static str;
    /// What the tool does, for the MCP tool listing.
    const DESCRIPTION: &'static str;
    /// The IAM actions the operation calls; the access level follows from them.
    const ACTIONS: &'static [Action];
    /// Groups of optional input fields of which an input must give at least one (an update
    /// needs something to update). The input schema says so (`anyOf` of `required`), and
    /// `execute` refuses an input giving none of a group, naming one of its fields.
    const REQUIRES_ONE_OF: &'static [&'static [&'static str]] = &[];

    /// Does the work. Called by [`call`](Operator::call) after the access check.
    async fn execute(
        &self,
        input: Self::Input,
        checked: AccessChecked<Self>,
    ) -> Result<Self::Output>;

    /// Checks the access level, then executes.
    async fn call(&self, input: Self::Input) -> Result<Self::Output> {
        self.connection()
            .ensure_allowed(Self::NAME, Self::ACTIONS)?;
        self.execute(input, AccessChecked(PhantomData)).await
    }
}

/// An operator seen as an MCP tool: JSON in, JSON out, with JSON Schemas. Object-safe, so a
/// server can hold `Vec<Box<dyn Tool>>`. Every [`Operator`] is a `Tool`.
#[async_trait]
pub trait Tool: Send + Sync {
    /// The tool name.
    fn name(&self) -> &'static str;
    /// The description.
    fn description(&self) -> &'static str;
    /// The IAM actions.
    fn actions(&self) -> &'static [Action];
    /// The access level needed.
    fn required_level(&self) -> AccessLevel;
    /// JSON Schema of the input.
    fn input_schema(&self) -> serde_json::Value;
    /// JSON Schema of the output.
    fn output_schema(&self) -> serde_json::Value;
    /// Calls the tool with JSON input.
    async fn call_json(&self, input: serde_json::Value) -> Result<serde_json::Value>;
}

#[async_trait]
impl<O: Operator> Tool for O {
    fn name(&self) -> &'static str {
        O::NAME
    }
    fn description(&self) -> &'static str {
        O::DESCRIPTION
    }
    fn actions(&self) -> &'static [Action] {
        O::ACTIONS
    }
    fn required_level(&self) -> AccessLevel {
        AccessLevel::required_for(O::ACTIONS)
    }
    fn input_schema(&self) -> serde_json::Value {
        let mut schema = serde_json::to_value(schemars::schema_for!(O::Input)).unwrap_or_default();
        require_one_of(&mut schema, O::REQUIRES_ONE_OF);
        schema
    }
    fn output_schema(&self) -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(O::Output)).unwrap_or_default()
    }
    async fn call_json(&self, input: serde_json::Value) -> Result<serde_json::Value> {
        // The access check comes before input parsing: a ReadOnly connection learns first that
        // the tool is not for it.
        self.connection().ensure_allowed(O::NAME, O::ACTIONS)?;
        let input: O::Input = Error::parse_json(input, "input")?;
        let out = self.execute(input, AccessChecked(PhantomData)).await?;
        serde_json::to_value(out).map_err(|e| {
            Error::new(crate::ErrorKind::Service, "output is not serializable").with_source(e)
        })
    }
}

/// Adds [`Operator::REQUIRES_ONE_OF`] to an input schema: `anyOf` of one-field `required`s
/// per group (under `allOf` when there are several groups).
fn require_one_of(schema: &mut serde_json::Value, groups: &[&[&str]]) {
    let any_of = |group: &[&str]| {
        let options: Vec<serde_json::Value> = group
            .iter()
            .map(|f| serde_json::json!({ "required": [f] }))
            .collect();
        serde_json::Value::Array(options)
    };
    let Some(root) = schema.as_object_mut() else {
        return;
    };
    match groups {
        [] => {}
        [group] => {
            root.insert("anyOf".into(), any_of(group));
        }
        _ => {
            let all: Vec<serde_json::Value> = groups
                .iter()
                .map(|g| serde_json::json!({ "anyOf": any_of(g) }))
                .collect();
            root.insert("allOf".into(), serde_json::Value::Array(all));
        }
    }
}

/// Declares an operator struct that holds its [`Connection`](crate::Connection) in `conn`, with
/// `new(&Connection)`, and implements [`OnConnection`] for it (returning `&self.conn`).
///
/// ```
/// chicory_aws_core::operator_struct!(
///     /// Reads something (ReadOnly).
///     ReadSomething
/// );
/// ```
#[macro_export]
macro_rules! operator_struct {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            conn: $crate::Connection,
        }

        impl $name {
            /// The operator on `conn`.
            pub fn new(conn: &$crate::Connection) -> Self {
                $name { conn: conn.clone() }
            }
        }

        impl $crate::OnConnection for $name {
            fn connection(&self) -> &$crate::Connection {
                &self.conn
            }
        }
    };
}
