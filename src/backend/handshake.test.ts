import { tmpdir } from 'node:os';
import { checkCookie, handshakeLine, negotiateVersion, socketPath } from './handshake';
import { createLogger, hclogTimestamp, levelFromEnv } from './logger';

describe('handshake', () => {
  it('needs the magic cookie grafana_plugin_type=datasource', () => {
    expect(checkCookie({ grafana_plugin_type: 'datasource' }).ok).toBe(true);
    const refused = checkCookie({ grafana_plugin_type: 'app' });
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.message).toMatch(/Grafana starts it itself/);
  });

  it('speaks protocol 2 when Grafana offers it or says nothing', () => {
    expect(negotiateVersion({ PLUGIN_PROTOCOL_VERSIONS: '2' })).toEqual({ ok: true, value: 2 });
    expect(negotiateVersion({ PLUGIN_PROTOCOL_VERSIONS: '1, 2' })).toEqual({ ok: true, value: 2 });
    expect(negotiateVersion({})).toEqual({ ok: true, value: 2 });
    const refused = negotiateVersion({ PLUGIN_PROTOCOL_VERSIONS: '1' });
    expect(refused.ok ? '' : refused.message).toMatch(/speaks version 2/);
  });

  it('puts the socket in PLUGIN_UNIX_SOCKET_DIR, or in the OS temp dir when that is unset', () => {
    const inDir = socketPath({ PLUGIN_UNIX_SOCKET_DIR: '/run/grafana' });
    expect(inDir.ok && inDir.value.startsWith('/run/grafana/plugin')).toBe(true);
    const fallback = socketPath({});
    expect(fallback.ok && fallback.value.startsWith(tmpdir())).toBe(true);
    expect(socketPath({ PLUGIN_UNIX_SOCKET_DIR: `/${'x'.repeat(120)}` }).ok).toBe(false);
  });

  it('announces core 1, app 2, unix, the socket and grpc on one line', () => {
    expect(handshakeLine('/tmp/plugin1')).toBe('1|2|unix|/tmp/plugin1|grpc|\n');
  });
});

describe('logger', () => {
  it('writes hclog JSON with a 6-digit @timestamp, level filtered', () => {
    const lines: string[] = [];
    const log = createLogger('info', (l) => lines.push(l));
    log.debug('hidden');
    log.warn('shown', { refId: 'A', error: new Error('boom') });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ '@level': 'warn', '@message': 'shown', '@module': 'shopmon-kpi-datasource', refId: 'A', error: 'boom' });
    expect(entry['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(lines[0]!.endsWith('\n')).toBe(true);
  });

  it('formats microseconds', () => {
    expect(hclogTimestamp(Date.parse('2026-01-02T03:04:05.678Z') * 1000 + 9)).toBe('2026-01-02T03:04:05.678009Z');
  });

  it('reads the level from GF_PLUGIN_LOG_LEVEL, then GF_LOG_LEVEL; default info', () => {
    expect(levelFromEnv({ GF_PLUGIN_LOG_LEVEL: 'debug', GF_LOG_LEVEL: 'error' })).toBe('debug');
    expect(levelFromEnv({ GF_LOG_LEVEL: 'WARNING' })).toBe('warn');
    expect(levelFromEnv({ GF_LOG_LEVEL: 'nonsense' })).toBe('info');
    expect(levelFromEnv({})).toBe('info');
  });
});
