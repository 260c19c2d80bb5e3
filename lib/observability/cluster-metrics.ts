// Metrics of every process of `npm start` when it runs several web processes
// (LEDGERLINE_WEB_PROCESSES > 1, node:cluster): a scrape reaches one web
// process, which asks the primary; the primary collects every web process's
// registry and its own (where the projection worker runs) and sums them with
// prom-client's AggregatorRegistry. With one web process there is nothing to
// ask: everything runs in the process that answers.
import cluster from 'node:cluster';
import client, { AggregatorRegistry } from 'prom-client';

/** One metric as getMetricsAsJSON gives it (prom-client does not export the type). */
type metric = object;

const ASK = 'ledgerline:metrics-ask';
const COLLECT = 'ledgerline:metrics-collect';
const PART = 'ledgerline:metrics-part';
const ANSWER = 'ledgerline:metrics-answer';
const TIMEOUT_MS = 5_000;

type Message = { type?: string; id?: number; metrics?: metric[]; text?: string; error?: string };

/** In a web process: this process's metrics, or, under a cluster primary, every process's summed. */
export async function localOrClusterMetrics(): Promise<string> {
  if (!cluster.isWorker || !process.send) return client.register.metrics();
  const id = nextId++;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('the primary process did not answer')), TIMEOUT_MS);
    const onMessage = (message: Message) => {
      if (message?.type === ANSWER && message.id === id)
        done(message.error ? new Error(message.error) : null, message.text);
    };
    const done = (error: Error | null, text?: string) => {
      clearTimeout(timer);
      process.off('message', onMessage);
      if (error) reject(error);
      else resolve(text ?? '');
    };
    process.on('message', onMessage);
    process.send!({ type: ASK, id });
  });
}
let nextId = 1;

/** In a web process forked by server.ts: hands this process's registry to the primary when it collects. */
export function answerMetricsCollection() {
  if (!cluster.isWorker) return;
  process.on('message', (message: Message) => {
    if (message?.type !== COLLECT) return;
    void client.register.getMetricsAsJSON().then(
      (metrics) => process.send?.({ type: PART, id: message.id, metrics }),
      (error: Error) => process.send?.({ type: PART, id: message.id, metrics: [], error: error.message }),
    );
  });
}

/** In server.ts's primary: answers a web process's ASK with the sum over all web processes and itself. */
export function serveClusterMetrics() {
  const pending = new Map<number, { parts: metric[][]; waiting: number; finish: () => void }>();
  let collection = 1;
  cluster.on('message', (worker, message: Message) => {
    if (message?.type === PART) {
      const entry = pending.get(message.id!);
      if (!entry) return;
      entry.parts.push(message.metrics ?? []);
      if (--entry.waiting === 0) entry.finish();
      return;
    }
    if (message?.type !== ASK) return;
    const id = collection++;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected());
    const reply = (text: string, error?: string) => worker.send({ type: ANSWER, id: message.id, text, error });
    const entry = {
      parts: [] as metric[][],
      waiting: workers.length,
      finish: () => {
        clearTimeout(timer);
        pending.delete(id);
        void client.register
          .getMetricsAsJSON()
          .then((own) => AggregatorRegistry.aggregate([...entry.parts, own]).metrics())
          .then(
            (text) => reply(text),
            (error: Error) => reply('', error.message),
          );
      },
    };
    // A web process that died mid-collection: answer with what came.
    const timer = setTimeout(() => entry.finish(), TIMEOUT_MS - 1_000);
    pending.set(id, entry);
    for (const w of workers) w!.send({ type: COLLECT, id });
  });
}
