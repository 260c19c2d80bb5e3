'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { integrityOf, type OrderTimeline } from '@/lib/audit';
import { Card } from '@/components/orders/card';
import { ChangeList } from './change-list';
import { EventCard } from './event-card';
import { OrderStateView } from './order-state-view';
import { VersionStepper } from './version-stepper';

const EVENT_LINK = /^#audit-event-(\d+)$/;

/**
 * Every event of the order, and the order as it was after the selected one.
 * The timeline arrives whole from the server (states included), so stepping
 * through versions never waits for the network.
 */
export function AuditTimeline({ timeline, initialVersion }: { timeline: OrderTimeline; initialVersion: number }) {
  const { entries, verification } = timeline;
  const [selected, setSelected] = useState(initialVersion);
  const panel = useRef<HTMLDivElement>(null);

  const select = useCallback((version: number, reveal = false) => {
    setSelected(version);
    // The address names the version shown, so it can be shared or reloaded.
    const url = new URL(window.location.href);
    url.searchParams.set('version', String(version));
    window.history.replaceState(null, '', url);
    // On a phone the state sits above the list: bring it into view when a card asks for it.
    const box = panel.current?.getBoundingClientRect();
    if (reveal && box && (box.top < 0 || box.top > window.innerHeight * 0.5)) {
      const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      panel.current!.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
    }
  }, []);

  // Any link to an event's card (the verify badge, correction markers) also
  // selects that version; the browser still scrolls to the card.
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      const link = event.target instanceof Element ? event.target.closest('a[href^="#audit-event-"]') : null;
      const match = EVENT_LINK.exec(link?.getAttribute('href') ?? '');
      const version = Number(match?.[1]);
      if (entries.some((entry) => entry.version === version)) select(version);
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, [entries, select]);

  const correctedBy = useMemo(() => {
    const byVersion = new Map<number, number[]>();
    for (const entry of entries) {
      if (entry.corrects) {
        const list = byVersion.get(entry.corrects.correctsVersion) ?? [];
        byVersion.set(entry.corrects.correctsVersion, [...list, entry.version]);
      }
    }
    return byVersion;
  }, [entries]);

  const current = entries.find((entry) => entry.version === selected) ?? entries.at(-1);
  if (!current) {
    return (
      <Card id="audit-empty" title="No events to show">
        <p className="text-sm text-slate-600">
          This order&apos;s stream exists, but none of its events can be read. The badge above names the first one that
          is missing.
        </p>
      </Card>
    );
  }
  const state = current.stateAfter;

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-5 lg:items-start">
      {/* Events first in the page's order, so a phone shows them first; on a wide screen the state sits beside them. */}
      <section aria-labelledby="audit-events-title" className="lg:col-span-3 lg:col-start-1 lg:row-start-1">
        <h2 id="audit-events-title" className="mb-3 text-base font-semibold text-slate-900">
          Events <span className="font-normal text-slate-600">({entries.length})</span>
        </h2>
        <ol className="space-y-3">
          {entries.map((entry) => (
            <EventCard
              key={entry.version}
              entry={entry}
              selected={entry.version === current.version}
              integrity={integrityOf(entry.version, verification)}
              brokenBecause={verification.ok ? null : verification.reason}
              correctedBy={correctedBy.get(entry.version) ?? []}
              onSelect={(version) => select(version, true)}
            />
          ))}
        </ol>
      </section>
      <div
        ref={panel}
        className="scroll-mt-4 lg:sticky lg:top-6 lg:col-span-2 lg:col-start-4 lg:row-start-1 lg:max-h-[calc(100dvh-3rem)] lg:overflow-y-auto"
      >
        <Card
          id="audit-state"
          title={
            <>
              State after v{current.version}
              <span className="sr-only">: {current.label}</span>
            </>
          }
        >
          <VersionStepper
            versions={entries.map(({ version, label }) => ({ version, label }))}
            selected={current.version}
            onSelect={select}
          />
          <p className="sr-only" aria-live="polite">
            Showing the order after version {current.version}: {current.label}.
          </p>
          <div className="mt-4 space-y-4">
            <section aria-label={`What v${current.version} changed`} className="rounded-lg bg-slate-50 p-3">
              <h3 className="mb-1.5 text-xs font-medium tracking-wide text-slate-600 uppercase">
                What v{current.version} changed
              </h3>
              <ChangeList diff={current.diff} currency={state.status === 'empty' ? undefined : state.currency} />
            </section>
            <OrderStateView state={state} diff={current.diff} customerName={timeline.customerName} />
            <p className="text-xs text-slate-600">
              Replayed from the order&apos;s own events, v1 to v{current.version}.{' '}
              <span className="rounded bg-amber-100 px-1 ring-1 ring-amber-300 ring-inset">Changed</span> and{' '}
              <span className="rounded bg-emerald-50 px-1 ring-1 ring-emerald-300 ring-inset">new</span> mark what this
              event did.
            </p>
          </div>
        </Card>
      </div>
    </div>
  );
}
