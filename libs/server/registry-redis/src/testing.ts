// Test support, imported by specs, integration tests and the benchmark only: never by the server.
export * from './testing/redis-server';
export * from './testing/redis-probes';
