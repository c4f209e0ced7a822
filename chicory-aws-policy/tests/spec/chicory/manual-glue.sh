# Using AWS CLI
aws iam create-role \
  --role-name ChicoryGlueAccess \
  --assume-role-policy-document file://trust-policy.json
# For ReadOnly access
aws iam put-role-policy \
  --role-name ChicoryGlueAccess \
  --policy-name GlueReadOnlyAccess \
  --policy-document file://glue-readonly-permissions.json

# For ReadWrite access, include additional write permissions
aws iam put-role-policy \
  --role-name ChicoryGlueAccess \
  --policy-name GlueReadWriteAccess \
  --policy-document file://glue-readwrite-permissions.json
