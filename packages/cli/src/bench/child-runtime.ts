import type { ParentMessage } from './ipc-messages.js';

/** Sends one IPC message to the orchestrator; resolves once it is written (or at once when orphaned). */
export function sendToParent<M extends { readonly type: string }>(message: M): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

/**
 * The life of a forked bench process: announce 'ready', run once on the parent's 'start', abort on
 * 'stop', report a failure as 'fatal' (exit 1), and disconnect when done. A process orphaned by a dead
 * orchestrator exits at once: nobody would read its results.
 */
export function runBenchChild<C>(run: (config: C, stop: AbortSignal) => Promise<void>): void {
  const stop = new AbortController();
  let started = false;
  let completed = false;
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      stop.abort();
      return;
    }
    if (message.type === 'start' && !started) {
      started = true;
      run(message.config as C, stop.signal).then(
        () => {
          completed = true;
          process.disconnect();
        },
        async (error: unknown) => {
          await sendToParent({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
          process.exit(1);
        },
      );
    }
  });
  process.on('disconnect', () => {
    if (!completed) process.exit(1);
  });
  void sendToParent({ type: 'ready' });
}
