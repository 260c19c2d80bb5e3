import { inject } from 'vitest';

// Its own module, imported first, so the variable is set before any route or
// service module is evaluated.
process.env.DATABASE_URL = inject('databaseUrl');
