//! The action catalogue: every IAM action the library calls, per service.
//!
//! Levels and resource types follow the AWS Service Authorization Reference.

use crate::action::{Action, ActionLevel::*, ResourceType::*, Service};

macro_rules! action {
    ($(#[$doc:meta])* $const_name:ident, $service:ident, $name:literal, $level:ident, [$($res:ident),*]) => {
        $(#[$doc])*
        pub const $const_name: Action = Action {
            service: Service::$service,
            name: $name,
            level: $level,
            resources: &[$($res),*],
        };
    };
}

/// AWS STS actions.
pub mod sts {
    use super::*;
    action!(
        /// `sts:AssumeRole` (called by the vendor principal, granted by the trust policy).
        ASSUME_ROLE, Sts, "AssumeRole", Write, [IamRole]
    );
    action!(
        /// `sts:GetCallerIdentity` (needs no permission).
        GET_CALLER_IDENTITY, Sts, "GetCallerIdentity", Read, [Any]
    );
}

/// AWS Glue actions.
pub mod glue {
    use super::*;
    action!(/// `glue:GetDatabase`.
        GET_DATABASE, Glue, "GetDatabase", Read, [GlueCatalog, GlueDatabase]);
    action!(/// `glue:GetDatabases`.
        GET_DATABASES, Glue, "GetDatabases", Read, [GlueCatalog, GlueDatabase]);
    action!(/// `glue:GetTable`.
        GET_TABLE, Glue, "GetTable", Read, [GlueCatalog, GlueDatabase, GlueTable]);
    action!(/// `glue:GetTables`.
        GET_TABLES, Glue, "GetTables", Read, [GlueCatalog, GlueDatabase, GlueTable]);
}

/// Amazon Athena actions.
pub mod athena {
    use super::*;
    action!(/// `athena:ListWorkGroups`.
        LIST_WORK_GROUPS, Athena, "ListWorkGroups", List, [Any]);
    action!(/// `athena:StartQueryExecution`.
        START_QUERY_EXECUTION, Athena, "StartQueryExecution", Write, [AthenaWorkGroup]);
}

/// Amazon S3 actions.
pub mod s3 {
    use super::*;
    action!(/// `s3:ListAllMyBuckets`.
        LIST_ALL_MY_BUCKETS, S3, "ListAllMyBuckets", List, [Any]);
    action!(/// `s3:PutObject`.
        PUT_OBJECT, S3, "PutObject", Write, [S3Object]);
}

/// Amazon DataZone actions.
pub mod datazone {
    use super::*;
    action!(/// `datazone:ListDomains`.
        LIST_DOMAINS, DataZone, "ListDomains", List, [Any]);
}
