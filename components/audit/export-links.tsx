import { auditFileName } from '@/lib/audit';
import { buttonClass } from '@/components/ui/button';

/** Plain links (not fetches), so the browser downloads with the session cookie and its own progress UI. */
export function ExportLinks({ orderId }: { orderId: string }) {
  const formats = [
    ['JSON', `/api/orders/${orderId}/audit`, auditFileName(orderId, 'json')],
    ['CSV', `/api/orders/${orderId}/audit.csv`, auditFileName(orderId, 'csv')],
  ] as const;
  return (
    <>
      {formats.map(([label, href, file]) => (
        <a
          key={label}
          href={href}
          download={file}
          data-testid={`audit-export-${label.toLowerCase()}`}
          className={buttonClass('secondary')}
        >
          <svg viewBox="0 0 20 20" className="size-4" aria-hidden="true">
            <path
              d="M10 3v10m0 0l-4-4m4 4l4-4M4 16h12"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.75"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          Export {label}
        </a>
      ))}
    </>
  );
}
