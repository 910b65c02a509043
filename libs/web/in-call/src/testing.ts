// Test support, imported by specs only: never by the app.
export * from './testing/in-call-stubs';
