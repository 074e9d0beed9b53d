/** @module The page's breakpoints, shared by the layout and the panels (the stylesheets use the same numbers). */

/** One scrolling column: phones and narrow windows. Handles are hidden, panels take natural heights. */
export const STACKED_QUERY = '(max-width: 900px)'
/** Three columns: lesson, terminal, inspector side by side. */
export const WIDE_QUERY = '(min-width: 1800px)'
/** A finger rather than a mouse: bigger rows and buttons. */
export const COARSE_QUERY = '(pointer: coarse)'
