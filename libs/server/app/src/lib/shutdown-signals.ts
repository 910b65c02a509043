/**
 * The signals on which a Duet server stops cleanly (Ctrl-C, SIGTERM, a closed terminal), for
 * `app.enableShutdownHooks([...SHUTDOWN_SIGNALS])`. Only these: Nest's default list includes
 * SIGUSR2, which profilers (`--heapsnapshot-signal=SIGUSR2`) and nodemon use, and SIGUSR1, Node's
 * debugger.
 */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
