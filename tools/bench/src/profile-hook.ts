/**
 * Preloaded (`node --cpu-prof -r profile-hook.js main.js`) into a server the benchmark profiles;
 * the server's own code and config are untouched. Over the IPC channel it records when the
 * measured window starts and ends (on the monotonic clock V8's profiler also uses) and, on `exit`,
 * writes them next to the profile and exits normally so that `--cpu-prof` writes the profile.
 */
import { writeFileSync } from 'node:fs';

interface HookMessage {
  readonly hook: 'window-start' | 'window-end' | 'exit';
  readonly file?: string;
}

const window: { startMicros?: number; endMicros?: number } = {};
const micros = () => Number(process.hrtime.bigint() / 1000n);

process.on('message', (message: HookMessage) => {
  if (message.hook === 'window-start') window.startMicros = micros();
  if (message.hook === 'window-end') window.endMicros = micros();
  if (message.hook === 'exit') {
    if (message.file) writeFileSync(message.file, JSON.stringify(window));
    process.exit(0);
  }
  process.send?.({ hook: message.hook });
});
process.channel?.unref();
