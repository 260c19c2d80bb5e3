import { z } from 'zod';

// Imported first by the modules whose schemas the browser builds too
// (lib/commands/schemas.ts, the orders list's parameters). zod compiles an
// object schema's fast path with `new Function` when the schema is built,
// and probes for it even where eval is not allowed: our Content-Security-Policy
// forbids eval in the browser, and the probe alone is reported as a
// violation. Without eval zod checks the same way, only without that path.
if (typeof window !== 'undefined') z.config({ jitless: true });
