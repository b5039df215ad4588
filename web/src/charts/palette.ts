/** Series colours, in order; the last, grey, also marks untracked use. */
export const PALETTE = ["#d9860b", "#2f7fd1", "#2a9d6f", "#c2457a", "#7a5cc9", "#8a8f98"];
