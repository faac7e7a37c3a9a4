import { createHash } from 'node:crypto';
import { AwsError } from './faults';
import { AwsDouble } from './http';
import { queryProtocol } from './query';

/**
 * Test double of AWS STS, driven by the real @aws-sdk/client-sts: GetCallerIdentity only,
 * which is what "who am I / are my credentials good" checks call.
 *
 * `rejectCredentials: true` answers every call the way STS answers an unknown access key:
 * 403 InvalidClientTokenId "The security token included in the request is invalid." (the text
 * of SDK and CLI reports of GetCallerIdentity with a bad key; one raw capture from a regional
 * endpoint has it without the final period, so match on the code, not the punctuation).
 */

export interface StsDoubleOptions {
  accountId?: string;
  /** Default `arn:aws:iam::ACCOUNT:user/rdeploy-test`. */
  userArn?: string;
  rejectCredentials?: boolean;
}

export class StsDouble extends AwsDouble {
  private constructor(opts: Required<StsDoubleOptions>) {
    super(
      queryProtocol({
        namespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
        version: '2011-06-15',
        handlers: {
          GetCallerIdentity: () => {
            if (opts.rejectCredentials) {
              throw new AwsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
            }
            return { Arn: opts.userArn, UserId: userIdOf(opts.userArn), Account: opts.accountId };
          },
        },
      }),
    );
  }

  static async start(opts: StsDoubleOptions = {}): Promise<StsDouble> {
    const accountId = opts.accountId ?? '123456789012';
    const double = new StsDouble({
      accountId,
      userArn: opts.userArn ?? `arn:aws:iam::${accountId}:user/rdeploy-test`,
      rejectCredentials: opts.rejectCredentials ?? false,
    });
    await double.listen();
    return double;
  }
}

/**
 * STS's UserId: the principal's unique id (AIDA… for a user, AROA…:session for an assumed
 * role). Derived from the ARN so it is stable across runs.
 */
function userIdOf(arn: string): string {
  const digest = createHash('sha256').update(arn).digest('hex').toUpperCase().slice(0, 17);
  const assumed = /:assumed-role\/[^/]+\/(.+)$/.exec(arn);
  return assumed ? `AROA${digest}:${assumed[1]}` : `AIDA${digest}`;
}
