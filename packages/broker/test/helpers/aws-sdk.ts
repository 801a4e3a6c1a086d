// Integration tests under /test resolve bare imports from the repository root, which does not depend on
// the AWS SDK; they import it through this file, which resolves from this package's devDependencies.
export * from '@aws-sdk/client-kinesis';
export { NodeHttpHandler } from '@smithy/node-http-handler';
