// E2E_PORT lets two checkouts on one machine run their suites side by side.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;

/**
 * Headers for API writes a test sends with a signed-in context's cookie: the
 * API only takes a cookie write from its own pages (an Origin of its own), as
 * a browser tab's fetch would send it.
 */
export const FROM_OWN_PAGE = { origin: BASE_URL };
