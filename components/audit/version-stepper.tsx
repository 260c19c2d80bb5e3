import { Button } from '@/components/ui/button';

type VersionStepperProps = {
  /** Versions in order, with the label of the event that made each. */
  versions: ReadonlyArray<{ version: number; label: string }>;
  selected: number;
  onSelect: (version: number) => void;
};

/**
 * A native range input: arrow keys, Page Up/Down, Home and End work as every
 * assistive technology expects, and aria-valuetext reads the event, not just a
 * number. Previous and Next are there for fingers and for one step at a time.
 */
export function VersionStepper({ versions, selected, onSelect }: VersionStepperProps) {
  const index = Math.max(
    0,
    versions.findIndex((v) => v.version === selected),
  );
  const last = versions.at(-1)!.version;
  const current = versions[index]!;
  const step = (by: number) => {
    const next = versions[index + by];
    if (next) onSelect(next.version);
  };

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 text-sm">
        <label htmlFor="audit-version" className="font-medium text-slate-900">
          Version{' '}
          <output htmlFor="audit-version" data-testid="audit-selected-version">
            {current.version}
          </output>{' '}
          of {last}
        </label>
        <span className="text-slate-600">{current.label}</span>
      </div>
      <input
        id="audit-version"
        data-testid="audit-slider"
        type="range"
        // Positions, not versions: a history with a version missing still steps event by event.
        min={0}
        max={versions.length - 1}
        step={1}
        value={index}
        disabled={versions.length < 2}
        onChange={(event) => onSelect(versions[Number(event.target.value)]?.version ?? current.version)}
        aria-valuetext={`Version ${current.version} of ${last}: ${current.label}`}
        className="h-2 w-full cursor-pointer accent-indigo-600 disabled:cursor-default"
      />
      <div className="flex justify-between gap-2">
        <Button variant="secondary" className="min-h-9 px-3 py-1.5" onClick={() => step(-1)} disabled={index === 0}>
          <span aria-hidden="true">←</span> Previous
          <span className="sr-only"> event</span>
        </Button>
        <Button
          variant="secondary"
          className="min-h-9 px-3 py-1.5"
          onClick={() => step(1)}
          disabled={index === versions.length - 1}
        >
          Next
          <span className="sr-only"> event</span> <span aria-hidden="true">→</span>
        </Button>
      </div>
    </div>
  );
}
