/** The one message the page sends its waiting service worker: the user accepted the update. */
export const SKIP_WAITING = 'SKIP_WAITING';
