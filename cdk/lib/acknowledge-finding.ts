/**
 * Acknowledging a cdk-nag finding where it arises. cdk-nag 3 reads acknowledgements from the flagged resource and its
 * ancestors, and IAM findings arise on a role's `DefaultPolicy`, so a grant acknowledges on the grantee's role.
 * @module
 */
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** How cdk-nag writes an ARN attribute in a finding id: `<LogicalId.Arn>`. */
export function arnFindingToken(resource: Construct): string {
  const cfn = CfnResource.isCfnResource(resource) ? resource : resource.node.defaultChild;
  if (!CfnResource.isCfnResource(cfn)) throw new Error(`${resource.node.path} has no CloudFormation resource`);
  return `<${Stack.of(resource).getLogicalId(cfn)}.Arn>`;
}

/**
 * Acknowledges `ruleId` on the role behind `grantee`, so only that role's policy is exempt.
 * @throws when the grantee's principal is not a construct of this app (an imported role cannot carry metadata)
 */
export function acknowledgeOnGrantee(grantee: iam.IGrantable, ruleId: string, reason: string): void {
  const principal = grantee.grantPrincipal;
  if (!Construct.isConstruct(principal))
    throw new Error(`cannot acknowledge ${ruleId}: the grantee's principal is not a construct`);
  Validations.of(principal).acknowledge({ id: ruleId, reason });
}
