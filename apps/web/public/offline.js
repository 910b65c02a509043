// The offline page (offline.html) comes back to Duet by itself once the browser is online again.
window.addEventListener('online', () => window.location.assign('/'));
