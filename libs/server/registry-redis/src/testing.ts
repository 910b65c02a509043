// Test support, imported by specs, integration tests and the benchmark only: never by the server.
// The redis-server itself comes from @duet/testing/processes.
export * from './testing/redis-probes';
