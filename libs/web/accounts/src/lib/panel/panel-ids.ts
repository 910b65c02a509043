/** The history panel's element id: the missed-calls badge controls it (`aria-controls`). */
export const HISTORY_PANEL_ID = 'call-history-panel';
