import pg from 'pg';

export type ListenerOptions = {
  connectionString: string;
  /** One channel, or several on the same connection. */
  channel: string | readonly string[];
  /** Shows in pg_stat_activity, so an operator (or a test) can tell which node's connection is which. */
  applicationName: string;
  onPayload: (payload: string, channel: string) => void;
  /** Also deliver notifications without a payload (the append notifier sends none); off by default. */
  emptyPayloads?: boolean;
  /**
   * After every LISTEN, the first included: notifications sent while there
   * was none are lost for good, so whoever relies on them must refetch.
   */
  onListening: () => void;
  log: (line: string) => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
};

export type Listener = { close: () => Promise<void> };

/**
 * One connection that LISTENs on its channels, and gets it back with backoff
 * whenever it drops (database restart, failover, pg_terminate_backend).
 */
export function startListener(options: ListenerOptions): Listener {
  const channels: readonly string[] = typeof options.channel === 'string' ? [options.channel] : options.channel;
  const label = channels.join(', ');
  const minBackoffMs = options.minBackoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  let stopped = false;
  let failures = 0;
  let current: pg.Client | null = null;
  let timer: NodeJS.Timeout | undefined;

  function retry(reason: string) {
    if (stopped || timer) return;
    // Jitter: web nodes that lost the database together must not all come back in the same millisecond.
    const delay = Math.round(Math.min(maxBackoffMs, minBackoffMs * 2 ** failures++) * (0.5 + Math.random() / 2));
    options.log(`LISTEN ${label} lost (${reason}); retrying in ${delay} ms`);
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
  }

  async function connect() {
    if (stopped) return;
    const client = new pg.Client({
      connectionString: options.connectionString,
      application_name: options.applicationName,
      connectionTimeoutMillis: 10_000,
      // A connection that vanished without a FIN (a dead NAT entry, a pulled
      // cable) would otherwise look alive for hours while nothing arrives.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    current = client;
    let dropped = false;
    const drop = (reason: string) => {
      if (dropped) return;
      dropped = true;
      if (current === client) current = null;
      void client.end().catch(() => {});
      retry(reason);
    };
    client.on('error', (error) => drop(error.message));
    client.on('end', () => drop('connection closed'));
    client.on('notification', (message) => {
      if (!channels.includes(message.channel)) return;
      if (message.payload || options.emptyPayloads) options.onPayload(message.payload ?? '', message.channel);
    });
    try {
      await client.connect();
      // One statement: the connection listens on every channel or on none.
      await client.query(channels.map((channel) => `LISTEN ${client.escapeIdentifier(channel)};`).join(' '));
    } catch (error) {
      drop((error as Error).message);
      return;
    }
    if (stopped || dropped) return;
    failures = 0;
    options.log(`listening on ${label}`);
    options.onListening();
  }

  void connect();
  return {
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await current?.end().catch(() => {});
    },
  };
}
