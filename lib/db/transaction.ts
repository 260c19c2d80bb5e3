import type pg from 'pg';

/**
 * Runs `run` in one transaction on one pooled connection: COMMIT when it
 * returns, ROLLBACK when it throws (a failed rollback must not hide the
 * error that caused it), and the connection back to the pool either way.
 * `begin` may set the isolation level, e.g. 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  run: (client: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await run(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
