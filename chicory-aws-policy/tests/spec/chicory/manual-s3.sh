# Using AWS CLI
aws iam create-role \
  --role-name ChicoryS3Access \
  --assume-role-policy-document file://trust-policy.json
# For ReadOnly access
aws iam put-role-policy \
  --role-name ChicoryS3Access \
  --policy-name S3ReadOnlyAccess \
  --policy-document file://s3-readonly-permissions.json

# For ReadWrite access, include additional write permissions
aws iam put-role-policy \
  --role-name ChicoryS3Access \
  --policy-name S3ReadWriteAccess \
  --policy-document file://s3-readwrite-permissions.json
