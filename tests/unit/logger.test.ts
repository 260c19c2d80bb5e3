import { describe, expect, it } from 'vitest';
import { logger, prettyLine, redactUrl } from '../../lib/observability/logger';
import { captureLogs } from '../support/logs';

describe('the logger', () => {
  it('writes JSON lines with the level, time and component, and masks credentials wherever they sit', () => {
    const logs = captureLogs();
    try {
      logger.child({ component: 'test' }).warn(
        {
          req: { headers: { authorization: 'Bearer abc.def.ghi', cookie: 'll_session=abc', accept: 'text/html' } },
          body: { username: 'clerk', password: 'hunter2' },
          token: 'tok-123',
        },
        'something to see',
      );
    } finally {
      logs.restore();
    }
    const [entry] = logs.entries();
    expect(entry).toMatchObject({
      level: 40,
      component: 'test',
      msg: 'something to see',
      req: { headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'text/html' } },
      body: { username: 'clerk', password: '[redacted]' },
      token: '[redacted]',
    });
    expect(typeof entry!.time).toBe('number');
    expect(logs.text()).not.toMatch(/hunter2|abc\.def|tok-123|ll_session=abc/);
  });

  it('masks the password of a connection string', () => {
    expect(redactUrl('postgresql://app:s3cret@db:5432/ledgerline')).toBe('postgresql://app:***@db:5432/ledgerline');
    expect(redactUrl('postgresql://db/ledgerline')).toBe('postgresql://db/ledgerline');
    expect(redactUrl('not a url')).not.toContain('not a url');
  });

  it('prints a line a person can read in development', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.parse('2026-12-02T10:11:12.345Z'),
      pid: 1,
      component: 'http',
      msg: 'request',
      status: 201,
      route: '/api/orders',
    });
    expect(prettyLine(line)).toBe('10:11:12.345 INFO  [http] request status=201 route=/api/orders');
  });
});
