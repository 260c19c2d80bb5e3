import type { JsonObject, RecordedEvent } from './types';

/** What upcasting reads and replaces of an event (a RecordedEvent or a ProjectionEvent). */
type UpcastableEvent = Pick<RecordedEvent, 'streamType' | 'type' | 'schemaVersion' | 'data'>;

// Events are never rewritten: when the shape of an event type changes, new
// events are written with the next schema version, and stored ones are
// upcast when they are read, one version at a time, by pure functions. The
// store applies them on every read (readStream, readAll), so no reader can
// miss one; the stored row, and its hash, stay exactly as written.

/** Turns the data of `eventType` at schema version `from` into version `from + 1`. */
export type Upcaster = { eventType: string; from: number; up: (data: JsonObject) => JsonObject };

/** What the code of one stream type writes and can read. */
export type EventSchema = {
  streamType: string;
  /** Each event type's current schema version: what new events are written with, and what readers get. */
  current: Readonly<Record<string, number>>;
  upcasters: readonly Upcaster[];
};

export type Upcasting = {
  /** The event in its type's current shape; unchanged when its stream or type has no schema, or no path. */
  upcast<E extends UpcastableEvent>(event: E): E;
  /** The data at `version` turned into the current shape, for readers that hold rows rather than events. */
  upcastData(streamType: string, eventType: string, version: number, data: JsonObject): UpcastResult;
  /** Why (stream type, event type, version) cannot reach the current shape, or null when it can. */
  pathProblem(streamType: string, eventType: string, version: number): string | null;
};

export type UpcastResult = { data: JsonObject; schemaVersion: number };

export function createUpcasting(schemas: readonly EventSchema[]): Upcasting {
  const byStream = new Map(schemas.map((schema) => [schema.streamType, schema]));
  const step = new Map<string, Upcaster>();
  for (const schema of schemas) {
    for (const upcaster of schema.upcasters) {
      const key = stepKey(schema.streamType, upcaster.eventType, upcaster.from);
      if (step.has(key)) throw new Error(`Two upcasters for ${key}`);
      step.set(key, upcaster);
    }
  }

  function pathProblem(streamType: string, eventType: string, version: number): string | null {
    const schema = byStream.get(streamType);
    if (!schema) return `no schema for stream type '${streamType}'`;
    const current = Object.hasOwn(schema.current, eventType) ? schema.current[eventType]! : undefined;
    if (current === undefined) return `'${eventType}' is not an event type of '${streamType}' streams`;
    if (!Number.isInteger(version) || version < 1) return `schema version ${version} is not a version`;
    if (version > current) return `schema version ${version} is newer than this code's ${current}`;
    for (let v = version; v < current; v++) {
      if (!step.has(stepKey(streamType, eventType, v))) return `no upcaster from ${eventType} v${v} to v${v + 1}`;
    }
    return null;
  }

  function upcastData(streamType: string, eventType: string, version: number, data: JsonObject): UpcastResult {
    if (pathProblem(streamType, eventType, version) !== null) return { data, schemaVersion: version };
    const current = byStream.get(streamType)!.current[eventType]!;
    let upcast = data;
    for (let v = version; v < current; v++) upcast = step.get(stepKey(streamType, eventType, v))!.up(upcast);
    return { data: upcast, schemaVersion: current };
  }

  return {
    pathProblem,
    upcastData,
    upcast(event) {
      const { data, schemaVersion } = upcastData(event.streamType, event.type, event.schemaVersion, event.data);
      return schemaVersion === event.schemaVersion ? event : { ...event, data, schemaVersion };
    },
  };
}

const stepKey = (streamType: string, eventType: string, from: number) => `${streamType}/${eventType}@${from}`;
