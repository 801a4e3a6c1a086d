export { runCli, usage } from './run-cli.js';
