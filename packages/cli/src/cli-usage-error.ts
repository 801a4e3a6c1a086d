import { InvalidArgumentError } from '@shardline/core';

/** Bad command-line input: reported as one line and exit code 2, never as a stack trace. */
export class CliUsageError extends InvalidArgumentError {}
