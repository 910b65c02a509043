// Test support, imported by specs and integration tests only: never by the server.
export * from './testing/inspectable-registry';
export * from './testing/deferred';
export * from './testing/registry-contract';
export * from './testing/call-table-contract';
