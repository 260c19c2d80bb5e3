import pg from 'pg';

/**
 * A pg pool whose connections may die (a database restart) without taking
 * the process with them. pg reports a lost connection as an 'error' event on
 * its client, and an event nobody listens to ends the process: the pool
 * listens while a client is idle; while one is checked out (a transaction)
 * nobody did. The query in flight still rejects, and the pool drops the client.
 */
export function createPool(config: pg.PoolConfig, log: (line: string) => void): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', (error) => log(`idle connection lost: ${error.message}`));
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
