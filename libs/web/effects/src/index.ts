// Only the provider is loaded with the app; the effects themselves (RNNoise, MediaPipe) are separate
// chunks and files under /effects/, fetched the first time an effect is turned on.
export * from './lib/provide-media-effects';
