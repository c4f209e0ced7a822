//! The one error type of chicory-aws, and the one mapping from AWS SDK errors to it.

use crate::Action;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// A boxed error source.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The result type of chicory-aws.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in terms a caller can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The connection parameters or an input are invalid; nothing was sent.
    InvalidConfig,
    /// AWS refused the request: trust policy, External ID or permissions.
    AccessDenied,
    /// The role to assume does not exist.
    RoleNotFound,
    /// The vendor's own credentials are missing or invalid.
    InvalidCredentials,
    /// The session token expired.
    ExpiredToken,
    /// AWS throttled the request and the SDK's retries ran out.
    Throttled,
    /// The resource does not exist.
    NotFound,
    /// The request timed out.
    Timeout,
    /// A write was refused locally because the connection is ReadOnly.
    WriteNotPermitted,
    /// Any other service or transport failure.
    Service,
}

/// Whether trying again may help, as known where the error was made (opendal's
/// Permanent / Temporary / Persistent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorStatus {
    /// Trying again will not help: denied, not found, invalid, refused locally.
    Permanent,
    /// It may pass if tried again (throttled, timed out, a transient service failure), and
    /// nothing has given up on it yet.
    Temporary,
    /// It was temporary, and the library's retries ran out (a scan's page retries, say):
    /// try again later, not now.
    Persistent,
}

impl ErrorStatus {
    /// The status an error of `kind` (with this HTTP status, if AWS answered) starts with.
    fn of(kind: ErrorKind, http_status: Option<u16>) -> Self {
        let temporary = matches!(kind, ErrorKind::Throttled | ErrorKind::Timeout)
            || (kind == ErrorKind::Service && http_status.is_none_or(|s| s >= 500));
        if temporary {
            ErrorStatus::Temporary
        } else {
            ErrorStatus::Permanent
        }
    }
}

impl fmt::Display for ErrorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorStatus::Permanent => "permanent",
            ErrorStatus::Temporary => "temporary",
            ErrorStatus::Persistent => "persistent",
        })
    }
}

const ASSUME_ROLE_DENIED: &str =
    "verify the IAM role trust policy includes the vendor's account ID, \
    confirm the External ID matches, and check that the permissions policy is attached to the \
    role; STS gives the same answer for a role that does not exist, so also verify the role ARN \
    format arn:aws:iam::{account}:role/{name}, that the role exists in the correct AWS account, \
    and check for typos in the role name";

impl ErrorKind {
    /// The remedy the integration guide gives for this kind, if it has one.
    pub fn hint(self) -> Option<&'static str> {
        match self {
            ErrorKind::AccessDenied => Some(
                "verify the IAM role trust policy includes the vendor's account ID, confirm the \
                 External ID matches, and check that the permissions policy is attached to the role",
            ),
            ErrorKind::RoleNotFound => Some(
                "verify the role ARN format arn:aws:iam::{account}:role/{name}, confirm the role \
                 exists in the correct AWS account, and check for typos in the role name",
            ),
            ErrorKind::InvalidCredentials => Some(
                "check that the vendor's AWS account credentials are properly configured and \
                 verify network connectivity to the AWS STS endpoint",
            ),
            ErrorKind::ExpiredToken => Some(
                "the session expired; the connection refreshes credentials itself, so this means \
                 a refresh failed earlier (see the logged cause)",
            ),
            ErrorKind::WriteNotPermitted => Some(
                "the customer granted ReadOnly access; ask them to grant ReadWrite (access_level \
                 \"ReadWrite\" and the ReadWrite permission policy) to use this operation",
            ),
            _ => None,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            ErrorKind::InvalidConfig => "invalid configuration",
            ErrorKind::AccessDenied => "access denied",
            ErrorKind::RoleNotFound => "role not found",
            ErrorKind::InvalidCredentials => "invalid credentials",
            ErrorKind::ExpiredToken => "expired token",
            ErrorKind::Throttled => "throttled",
            ErrorKind::NotFound => "not found",
            ErrorKind::Timeout => "timeout",
            ErrorKind::WriteNotPermitted => "write not permitted",
            ErrorKind::Service => "service error",
        };
        f.write_str(s)
    }
}

/// The error of every chicory-aws operation.
///
/// It carries a [`kind`](Error::kind), the operation and resource it concerns, the AWS error
/// code and HTTP status when AWS answered, a remedy [`hint`](Error::hint), and the source chain.
/// It never contains secrets.
#[derive(Clone)]
pub struct Error(Box<Inner>);

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    message: Cow<'static, str>,
    operation: Option<Cow<'static, str>>,
    resource: Option<String>,
    context: Vec<(&'static str, String)>,
    error_status: ErrorStatus,
    field: Option<Cow<'static, str>>,
    code: Option<String>,
    status: Option<u16>,
    request_id: Option<String>,
    source: Option<Arc<dyn StdError + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            operation: None,
            resource: None,
            context: Vec::new(),
            error_status: ErrorStatus::of(kind, None),
            field: None,
            code: None,
            status: None,
            request_id: None,
            source: None,
        }))
    }

    /// An invalid-input error naming the field and the rule it breaks.
    pub fn invalid(
        field: impl Into<Cow<'static, str>>,
        rule: impl Into<Cow<'static, str>>,
    ) -> Self {
        let mut e = Error::new(ErrorKind::InvalidConfig, rule);
        e.0.field = Some(field.into());
        e
    }

    /// Parses `value` as a `T`, the one way JSON input is read (connection parameters, tool
    /// inputs): an error names the JSON path of the bad field (`tables[2].name`) and what it
    /// expected; `what` names the whole (`input`) when the value is not a JSON object, which
    /// is refused even where serde would read an array as a struct.
    pub fn parse_json<T: serde::de::DeserializeOwned>(
        value: serde_json::Value,
        what: &'static str,
    ) -> Result<T> {
        if !value.is_object() {
            let got = match &value {
                serde_json::Value::Array(_) => "an array",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::Bool(_) => "a boolean",
                _ => "null",
            };
            return Err(Error::invalid(
                what,
                format!("must be a JSON object of named fields, got {got}"),
            ));
        }
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let message = e.into_inner().to_string();
            // serde names a missing field only in its message: "missing field `table`".
            let missing = message
                .strip_prefix("missing field `")
                .and_then(|m| m.split('`').next());
            let field = match (path.as_str(), missing) {
                (".", Some(name)) => name.to_owned(),
                (".", None) => what.to_owned(),
                (p, Some(name)) => format!("{p}.{name}"),
                (p, None) => p.to_owned(),
            };
            Error::invalid(field, message)
        })
    }

    /// Sets the operation (e.g. `glue:GetTables` or `RunAthenaQuery`).
    pub fn with_operation(mut self, operation: impl Into<Cow<'static, str>>) -> Self {
        self.0.operation = Some(operation.into());
        self
    }

    /// Sets the resource (an ARN, name or id).
    pub fn with_resource(mut self, resource: impl Into<String>) -> Self {
        self.0.resource = Some(resource.into());
        self
    }

    /// Adds a key/value pair of context (`bucket`, `key`, `segment`, ...), kept structured for
    /// callers and shown in the message.
    pub fn with_context(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.0.context.push((key, value.into()));
        self
    }

    /// Marks a temporary error as persistent: the caller's retries ran out. A permanent error
    /// stays permanent.
    pub fn persistent(mut self) -> Self {
        if self.0.error_status == ErrorStatus::Temporary {
            self.0.error_status = ErrorStatus::Persistent;
        }
        self
    }

    /// Sets the AWS error code (e.g. from a batch answer's per-item error).
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.0.code = Some(code.into());
        self
    }

    /// Sets the source error.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.0.source = Some(Arc::from(source.into()));
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The operation, if known.
    pub fn operation(&self) -> Option<&str> {
        self.0.operation.as_deref()
    }

    /// The resource, if known.
    pub fn resource(&self) -> Option<&str> {
        self.0.resource.as_deref()
    }

    /// The structured context, in the order it was added: e.g. `[("bucket", "logs"), ("key",
    /// "2024/01/a.gz")]`.
    pub fn context(&self) -> &[(&'static str, String)] {
        &self.0.context
    }

    /// Whether trying again may help, set where the error was made.
    pub fn error_status(&self) -> ErrorStatus {
        self.0.error_status
    }

    /// Whether the error was temporary and retries ran out.
    pub fn is_persistent(&self) -> bool {
        self.0.error_status == ErrorStatus::Persistent
    }

    /// The invalid field, for [`ErrorKind::InvalidConfig`] errors about an input: its JSON
    /// path, e.g. `access_level` or `tables[2].name`.
    pub fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    /// The AWS error code, e.g. `AccessDenied`, when AWS answered.
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// The HTTP status, when AWS answered.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The AWS request id, when AWS answered: what AWS Support asks for.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The remedy for this error, if the integration guide gives one.
    ///
    /// STS answers AccessDenied also for a role that does not exist, so a denied
    /// `sts:AssumeRole` gets the guide's remedies for both "Access Denied" and "Role not found".
    pub fn hint(&self) -> Option<&'static str> {
        if self.0.kind == ErrorKind::AccessDenied
            && self.0.operation.as_deref() == Some("sts:AssumeRole")
        {
            return Some(ASSUME_ROLE_DENIED);
        }
        self.0.kind.hint()
    }

    /// Whether trying again now may succeed (throttling, timeouts, transient service failures)
    /// and nothing has given up on it yet; see [`error_status`](Self::error_status).
    pub fn is_temporary(&self) -> bool {
        self.0.error_status == ErrorStatus::Temporary
    }

    /// An error AWS reported inside a successful answer (a batch item's `ErrorCode`, say): its
    /// kind from `code` by the same table as [`from_sdk`](Self::from_sdk), the code kept.
    pub fn from_code(code: &str, message: impl Into<Cow<'static, str>>) -> Self {
        Error::new(kind_from_code(Some(code), None), message).with_code(code)
    }

    /// Maps an AWS SDK error of a request for `operation`, by error code and HTTP status, never
    /// by message text. Name the operation by its action in the catalogue
    /// (`actions::glue::GET_TABLES`, shown as `glue:GetTables`), as the library always does, so
    /// it cannot be misspelt; an operation the catalogue lacks (a client of your own for
    /// another service) by its IAM name, `"ec2:DescribeInstances"`.
    ///
    /// If the SDK error was caused by a chicory-aws error (the connection's credential
    /// provider failed to assume the role, say), that error is returned, with its kind, code,
    /// operation and remedy, prefixed by the action. Missing vendor credentials are
    /// [`ErrorKind::InvalidCredentials`].
    ///
    /// The SDK error is not kept as the source: its `Debug` holds the raw HTTP response, and a
    /// response that failed to parse (an AssumeRole answer, say) holds the session's secret.
    /// What a caller needs is kept instead: the code, status, request id and message, and the
    /// cause's text as the source.
    pub fn from_sdk<E>(err: SdkError<E, HttpResponse>, operation: impl Into<Operation>) -> Self
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let operation = operation.into().0;
        if let Some(ours) = inner_chicory_error(&err) {
            let mut e = ours.clone();
            e.0.message = format!("{operation} failed: {}", ours.0.message).into();
            if e.0.operation.is_none() {
                e.0.operation = Some(operation);
            }
            e.0.source = Some(Arc::new(ours.clone()));
            return e;
        }
        let raw = err.raw_response();
        let status = raw.map(|r| r.status().as_u16());
        // The code from the body; else from the `x-amzn-errortype` header that JSON and REST
        // services (and emulators) send, up to its first ':'.
        let header = |name: &str| {
            raw.and_then(|r| r.headers().get(name))
                .map(str::to_owned)
                .filter(|v| !v.is_empty())
        };
        let code = err.code().map(str::to_owned).or_else(|| {
            header("x-amzn-errortype").map(|v| v.split(':').next().unwrap_or(&v).to_owned())
        });
        let request_id = err
            .meta()
            .extra("aws_request_id")
            .map(str::to_owned)
            .or_else(|| header("x-amzn-requestid"))
            .or_else(|| header("x-amz-request-id"));
        let aws_message = err.message().map(str::to_owned);
        let cause = SdkCause(chain(&err));
        let kind = match &err {
            SdkError::TimeoutError(_) => ErrorKind::Timeout,
            SdkError::DispatchFailure(d) if d.is_timeout() => ErrorKind::Timeout,
            _ if credentials_not_loaded(&err) => ErrorKind::InvalidCredentials,
            SdkError::DispatchFailure(_) => ErrorKind::Service,
            _ => kind_from_code(code.as_deref(), status),
        };
        let message: Cow<'static, str> = match (&code, aws_message) {
            (Some(c), Some(m)) => format!("{operation} failed: {c}: {m}").into(),
            (Some(c), None) => format!("{operation} failed: {c}").into(),
            (None, Some(m)) => format!("{operation} failed: {m}").into(),
            // No answer from AWS to show: the cause is the message ("dispatch failure: io
            // error: connection closed before message completed").
            (None, None) => format!("{operation} failed: {}", cause.0).into(),
        };
        Error(Box::new(Inner {
            kind,
            message,
            operation: Some(operation),
            resource: None,
            context: Vec::new(),
            error_status: ErrorStatus::of(kind, status),
            field: None,
            code,
            status,
            request_id,
            source: Some(Arc::new(cause)),
        }))
    }
}

/// What is kept of an AWS SDK error: the text of its cause chain, never its raw response.
#[derive(Clone)]
struct SdkCause(String);

impl fmt::Display for SdkCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SdkCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SdkCause").field(&self.0).finish()
    }
}

impl StdError for SdkCause {}

/// The errors below `err` in its source chain.
fn causes<'a>(
    err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(err.source(), |&e| e.source())
}

/// Finds a chicory-aws [`Error`] in the source chain (e.g. raised by the credential provider).
fn inner_chicory_error<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a Error> {
    causes(err).find_map(|e| e.downcast_ref::<Error>())
}

/// Whether the chain holds "no credentials were found" from a credential provider (the
/// vendor's default chain found nothing).
fn credentials_not_loaded(err: &(dyn StdError + 'static)) -> bool {
    use aws_credential_types::provider::error::CredentialsError;
    causes(err).any(|e| {
        matches!(
            e.downcast_ref::<CredentialsError>(),
            Some(CredentialsError::CredentialsNotLoaded(_))
        )
    })
}

/// The one table from AWS error codes and HTTP statuses to [`ErrorKind`].
fn kind_from_code(code: Option<&str>, status: Option<u16>) -> ErrorKind {
    if let Some(code) = code {
        match code {
            "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "UnauthorizedException"
            | "AllAccessDisabled"
            | "Forbidden" => return ErrorKind::AccessDenied,
            "NoSuchEntity" | "NoSuchEntityException" => return ErrorKind::RoleNotFound,
            "InvalidClientTokenId"
            | "SignatureDoesNotMatch"
            | "UnrecognizedClientException"
            | "InvalidAccessKeyId"
            | "IncompleteSignature"
            | "MissingAuthenticationToken"
            | "InvalidToken" => return ErrorKind::InvalidCredentials,
            "ExpiredToken"
            | "ExpiredTokenException"
            | "RequestExpired"
            | "TokenRefreshRequired" => return ErrorKind::ExpiredToken,
            "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "SlowDown"
            | "ProvisionedThroughputExceededException"
            | "RequestThrottled"
            | "RequestThrottledException"
            | "BandwidthLimitExceeded"
            | "PriorRequestNotComplete"
            | "EC2ThrottledException" => return ErrorKind::Throttled,
            "EntityNotFoundException"
            | "ResourceNotFoundException"
            | "NoSuchBucket"
            | "NoSuchKey"
            | "NoSuchVersion"
            | "NotFound"
            | "NoSuchBucketPolicy"
            | "NoSuchTagSet"
            | "NoSuchTagSetError"
            | "MetadataException" => return ErrorKind::NotFound,
            "RequestTimeout" | "RequestTimeoutException" => return ErrorKind::Timeout,
            "MalformedPolicyDocument"
            | "MalformedPolicyDocumentException"
            | "PackedPolicyTooLarge"
            | "RegionDisabledException"
            | "ValidationError"
            | "ValidationException"
            | "InvalidParameterValue"
            | "InvalidParameterException"
            | "InvalidInputException"
            | "InvalidRequestException"
            | "InvalidBucketName"
            | "InvalidArgument" => return ErrorKind::InvalidConfig,
            _ => {}
        }
    }
    match status {
        Some(401) => ErrorKind::InvalidCredentials,
        Some(403) => ErrorKind::AccessDenied,
        Some(404) => ErrorKind::NotFound,
        Some(408) => ErrorKind::Timeout,
        Some(429) => ErrorKind::Throttled,
        _ => ErrorKind::Service,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        write!(f, "{}", e.kind)?;
        if let Some(field) = &e.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", e.message)?;
        if let Some(r) = &e.resource {
            write!(f, " (resource: {r})")?;
        }
        // A scan part's resource text is its context written out (`Part::with`): shown once.
        let pairs: Vec<String> = e.context.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if !pairs.is_empty() && e.resource.as_deref() != Some(pairs.join(" ").as_str()) {
            write!(f, " [{}]", pairs.join(", "))?;
        }
        if e.error_status == ErrorStatus::Persistent {
            f.write_str("; retries ran out")?;
        }
        if let Some(h) = self.hint() {
            write!(f, "; hint: {h}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        f.debug_struct("Error")
            .field("kind", &e.kind)
            .field("message", &e.message)
            .field("operation", &e.operation)
            .field("resource", &e.resource)
            .field("context", &e.context)
            .field("error_status", &e.error_status)
            .field("field", &e.field)
            .field("code", &e.code)
            .field("status", &e.status)
            .field("request_id", &e.request_id)
            // The source's Display chain, not its Debug: a source from outside the library
            // could hold anything.
            .field("source", &e.source.as_ref().map(|s| chain(s.as_ref())))
            .finish()
    }
}

/// `error: cause: cause...`, each by its Display.
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut out = error.to_string();
    let mut next = error.source();
    while let Some(e) = next {
        out.push_str(": ");
        out.push_str(&e.to_string());
        next = e.source();
    }
    out
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// The operation an error is about: an action of the catalogue (`actions::s3::GET_OBJECT`), or
/// an IAM action name the catalogue lacks. See [`Error::from_sdk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation(Cow<'static, str>);

impl From<Action> for Operation {
    fn from(a: Action) -> Self {
        Operation(a.iam_name().into())
    }
}

impl From<&'static str> for Operation {
    fn from(name: &'static str) -> Self {
        Operation(name.into())
    }
}

impl From<String> for Operation {
    fn from(name: String) -> Self {
        Operation(name.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(
            kind_from_code(Some("AccessDenied"), Some(403)),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            kind_from_code(Some("ThrottlingException"), Some(400)),
            ErrorKind::Throttled
        );
        assert_eq!(
            kind_from_code(Some("ExpiredToken"), Some(400)),
            ErrorKind::ExpiredToken
        );
        assert_eq!(
            kind_from_code(Some("InvalidClientTokenId"), Some(403)),
            ErrorKind::InvalidCredentials
        );
        assert_eq!(
            kind_from_code(Some("EntityNotFoundException"), Some(400)),
            ErrorKind::NotFound
        );
        assert_eq!(
            kind_from_code(Some("RegionDisabledException"), Some(403)),
            ErrorKind::InvalidConfig
        );
        assert_eq!(kind_from_code(None, Some(429)), ErrorKind::Throttled);
        assert_eq!(kind_from_code(None, Some(403)), ErrorKind::AccessDenied);
        assert_eq!(
            kind_from_code(Some("SomethingNew"), Some(500)),
            ErrorKind::Service
        );
    }

    #[test]
    fn display_names_field_and_hint() {
        let e = Error::invalid(
            "role_arn",
            "must look like arn:aws:iam::123456789012:role/Name",
        );
        let s = e.to_string();
        assert!(s.contains("`role_arn`"), "{s}");
        let d = Error::new(ErrorKind::AccessDenied, "sts:AssumeRole failed").to_string();
        assert!(d.contains("External ID matches"), "{d}");
    }
}
