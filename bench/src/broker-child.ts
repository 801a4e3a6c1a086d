/**
 * The bundled broker in a child process of its own, for the benches that measure clients against it.
 * Run as `node dist/broker-child.js '<BrokerOptions as JSON>'`; it answers over IPC:
 *  - sends `{ type: 'ready', url }` once listening;
 *  - on `{ type: 'usage' }` sends `{ type: 'usage', cpuUs, maxRss }` (CPU µs and peak RSS bytes so far);
 *  - on `{ type: 'close' }` closes the broker and exits.
 * It loads nothing but the broker: a bench script as the child would also load the SDKs and libraries the
 * clients use, and every full collection of the broker's heap would mark them (~25 % more heap), CPU that
 * the client under test shares on a 2-core machine.
 */
import { type BrokerOptions, startBroker } from '@shardline/broker';

const options = JSON.parse(process.argv[2] ?? '{}') as BrokerOptions;
const broker = await startBroker(options);
process.on('message', (message: { type: string }) => {
  if (message.type === 'usage') {
    const cpu = process.cpuUsage();
    process.send?.({ type: 'usage', cpuUs: cpu.user + cpu.system, maxRss: process.resourceUsage().maxRSS * 1024 });
  } else if (message.type === 'close') {
    broker.close().then(() => process.exit(0));
  }
});
process.send?.({ type: 'ready', url: broker.url });
