/**
 * Jest environments that fail a test file which leaves a timer, socket or process behind.
 *
 * A timer a spec forgets (a login deadline on a fake socket, a sleep that outlives its test) fires
 * later, inside another test or after the run, and turns CI red at random on a slow machine. So:
 * - `per-test` (unit projects, the default): every real `setTimeout`/`setInterval` armed during a
 *   test (its hooks included) must have fired or been cleared when the test is done, or the test
 *   fails with the stack that armed it. Unref'd timers count too: they are the ones Jest's own
 *   open-handle detection never sees. Timers armed in `beforeAll` are checked when the file ends.
 * - `per-file` (integration projects, which run a real server whose sockets close asynchronously):
 *   when the file ends, every timer, socket, server and child process it opened must be gone
 *   within a grace period, or the file fails.
 * Jest's fake timers replace these functions while in use; a fake timer cannot fire outside its
 * test, so they are not tracked. Set with `testEnvironmentOptions: { leakCheck: 'per-file' }`.
 */
'use strict';

/** Node handle types a test can leak: sockets, servers, child processes. */
const HANDLE_TYPES = ['TCPSocketWrap', 'TCPServerWrap', 'TCPWRAP', 'TCPSERVERWRAP', 'UDPWrap', 'ProcessWrap'];
const GRACE_MS = 5_000;

function countHandles() {
  const counts = new Map();
  for (const type of process.getActiveResourcesInfo()) {
    if (HANDLE_TYPES.includes(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

function leakedHandles(baseline) {
  const leaked = [];
  for (const [type, count] of countHandles()) {
    const extra = count - (baseline.get(type) ?? 0);
    if (extra > 0) leaked.push(`${extra} × ${type}`);
  }
  return leaked;
}

/** The frames of `stack` that belong to the code under test, not to this file or to Jest. */
function ownFrames(stack) {
  return stack
    .split('\n')
    .slice(1)
    .filter((line) => !line.includes(__filename) && !line.includes('node_modules'))
    .slice(0, 6)
    .join('\n');
}

/** An error whose only stack is the armed timers' stacks in its message, not this file's frames. */
function leakError(message) {
  const error = new Error(message);
  error.stack = `Error: ${message}`;
  return error;
}

function withLeakCheck(Base) {
  return class LeakCheckingEnvironment extends Base {
    constructor(config, context) {
      super(config, context);
      const options = config.projectConfig.testEnvironmentOptions ?? {};
      this.leakCheck = options.leakCheck ?? 'per-test';
      /** timer -> { stack, test } for every real timer armed and not yet fired or cleared */
      this.armed = new Map();
      this.currentTest = undefined;
      this.trackTimers(this.global);
    }

    async setup() {
      await super.setup();
      this.baselineHandles = countHandles();
    }

    trackTimers(global) {
      const armed = this.armed;
      const real = {
        setTimeout: global.setTimeout,
        clearTimeout: global.clearTimeout,
        setInterval: global.setInterval,
        clearInterval: global.clearInterval,
      };
      this.realTimers = real;
      const env = this;
      // Node accepts a timer's numeric id as well as its object.
      const keyOf = (handle) => {
        if (typeof handle !== 'number' && typeof handle !== 'string') return handle;
        for (const timer of armed.keys()) if (Number(timer) === Number(handle)) return timer;
        return undefined;
      };
      const untrack = (handle) => {
        const key = keyOf(handle);
        if (key !== undefined) armed.delete(key);
      };
      const record = (timer, what) => {
        armed.set(timer, { stack: new Error(`${what} armed here`).stack, test: env.currentTest });
        return timer;
      };
      global.setTimeout = Object.assign(function setTimeout(callback, ms, ...args) {
        const timer = real.setTimeout(
          (...callArgs) => {
            armed.delete(timer);
            if (typeof callback === 'function') callback(...callArgs);
          },
          ms,
          ...args,
        );
        return record(timer, 'timer');
      }, real.setTimeout);
      global.clearTimeout = function clearTimeout(handle) {
        untrack(handle);
        return real.clearTimeout(handle);
      };
      global.setInterval = Object.assign(function setInterval(callback, ms, ...args) {
        return record(real.setInterval(callback, ms, ...args), 'interval');
      }, real.setInterval);
      global.clearInterval = function clearInterval(handle) {
        untrack(handle);
        return real.clearInterval(handle);
      };
    }

    /** Clears and returns the stacks of the armed timers `which` selects. */
    disarm(which) {
      const stacks = [];
      for (const [timer, { stack, test }] of this.armed) {
        if (!which(test)) continue;
        this.realTimers.clearTimeout(timer);
        this.realTimers.clearInterval(timer);
        this.armed.delete(timer);
        stacks.push(ownFrames(stack));
      }
      return stacks;
    }

    async handleTestEvent(event, state) {
      if (super.handleTestEvent) await super.handleTestEvent(event, state);
      if (event.name === 'test_start') this.currentTest = event.test;
      if (event.name === 'test_done') this.checkTest(event.test);
      // After every test and `afterAll` hook, before results are reported: a leak fails the file
      // while its tests' own results still show.
      if (event.name === 'run_finish') {
        const problem = await this.checkFile();
        if (problem) state.unhandledErrors.push(problem);
      }
    }

    checkTest(test) {
      this.currentTest = undefined;
      if (this.leakCheck !== 'per-test') return;
      const stacks = this.disarm((armedBy) => armedBy === test);
      if (stacks.length === 0) return;
      test.errors.push(
        leakError(
          `${stacks.length} timer(s) still armed when this test ended: clear them, or wait for them, before it ends.\n\n` +
            stacks.join('\n\n'),
        ),
      );
    }

    async checkFile() {
      const deadline = Date.now() + (this.leakCheck === 'per-file' ? GRACE_MS : 0);
      let leaked = [];
      for (;;) {
        leaked = leakedHandles(this.baselineHandles ?? new Map());
        if ((leaked.length === 0 && this.armed.size === 0) || Date.now() >= deadline) break;
        await new Promise((resolve) => this.realTimers.setTimeout(resolve, 50));
      }
      const stacks = this.disarm(() => true);
      const problems = [];
      if (stacks.length > 0) problems.push(`${stacks.length} timer(s) still armed:\n\n${stacks.join('\n\n')}`);
      if (leaked.length > 0) problems.push(`open handles left behind: ${leaked.join(', ')}`);
      return problems.length > 0 ? leakError(`This test file left things running after it ended.\n${problems.join('\n')}`) : undefined;
    }
  };
}

module.exports = { withLeakCheck };
