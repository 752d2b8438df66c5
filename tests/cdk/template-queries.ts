/**
 * Small typed reads over a synthesised template, shared by the CDK tests.
 * @module
 */
import { CfnResource, type Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

/** A resource of the template, as JSON. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

/** One IAM policy statement, as JSON. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** The resources of one type, by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, TemplateResource> {
  return template.findResources(type) as Record<string, TemplateResource>;
}

/** The logical id of a construct's CloudFormation resource (itself, or its default child). */
export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  const cfn = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (!CfnResource.isCfnResource(cfn)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return stack.resolve(cfn.logicalId) as string;
}

/** Every statement of every `AWS::IAM::Policy` and of every role's inline policies, with its owner's logical id. */
export function policyStatements(template: Template): { policyId: string; statement: Statement }[] {
  const fromPolicies = Object.entries(resourcesOfType(template, 'AWS::IAM::Policy')).flatMap(([policyId, policy]) =>
    (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({
      policyId,
      statement,
    })),
  );
  const fromRoles = Object.entries(resourcesOfType(template, 'AWS::IAM::Role')).flatMap(([roleId, role]) =>
    ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) =>
      policy.PolicyDocument.Statement.map((statement) => ({ policyId: roleId, statement })),
    ),
  );
  return [...fromPolicies, ...fromRoles];
}
