aws iam create-role \
  --role-name ChicoryDataZoneAccess \
  --assume-role-policy-document file://trust-policy.json
# For ReadOnly access
aws iam put-role-policy \
  --role-name ChicoryDataZoneAccess \
  --policy-name DataZoneReadOnlyAccess \
  --policy-document file://datazone-readonly-permissions.json

# For ReadWrite access, include additional write permissions
aws iam put-role-policy \
  --role-name ChicoryDataZoneAccess \
  --policy-name DataZoneReadWriteAccess \
  --policy-document file://datazone-readwrite-permissions.json
