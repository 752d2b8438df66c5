/**
 * Reads the cdk-nag acknowledgements recorded on a construct tree (`Validations.of(x).acknowledge`), for the test
 * that each one has a reason, and for the record printed in the test output.
 * @module
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One acknowledged finding and where it was recorded. */
export interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every acknowledgement under `root`, depth first. */
export function collectAcknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          // aws-cdk-lib stores ids without a known prefix as annotation rules.
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}
