/**
 * An AudioContext made before the page saw a click starts suspended (autoplay policy) and would
 * send silence: resume it now if the browser lets us, else at the person's first click or key.
 * Returns the listeners' removal.
 */
export function resumeOnGesture(context: AudioContext): () => void {
  if (context.state === 'running') return () => undefined;
  const resume = () => {
    void context.resume();
    if (context.state === 'running') stop();
  };
  const events = ['pointerdown', 'keydown'] as const;
  const stop = () => {
    for (const event of events) document.removeEventListener(event, resume, true);
    context.removeEventListener('statechange', onChange);
  };
  const onChange = () => {
    if (context.state === 'running' || context.state === 'closed') stop();
  };
  for (const event of events) document.addEventListener(event, resume, true);
  context.addEventListener('statechange', onChange);
  void context.resume();
  return stop;
}
