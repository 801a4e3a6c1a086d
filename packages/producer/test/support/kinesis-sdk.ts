// Integration tests under /test resolve packages from the repository root, which does not depend on
// the AWS SDK; they reach it through this package, which does.
export * from '@aws-sdk/client-kinesis';
export { NodeHttpHandler } from '@smithy/node-http-handler';
