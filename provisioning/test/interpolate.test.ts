/**
 * The expansions the provisioning tests reproduce: docker compose's (Compose specification,
 * "Interpolation") and Grafana's for provisioning files (Go's os.ExpandEnv after splitting on `$$`).
 */
import { composeInterpolate, grafanaExpand, grafanaLoadsAlerting, serviceEnvironment } from './support/interpolate';

describe('compose interpolation', () => {
  const env = { SET: 'value', EMPTY: '' };

  it.each([
    ['${SET}', 'value'],
    ['$SET/x', 'value/x'],
    ['${UNSET}', ''],
    ['${UNSET:-default}', 'default'],
    ['${EMPTY:-default}', 'default'],
    ['${EMPTY-default}', ''],
    ['${SET:-default}', 'value'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${UNSET:-${SET}}', 'value'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${UNSET:-http://sink:9099/x}', 'http://sink:9099/x'],
    ['$$SET', '$SET'],
    ['a $${SET} b', 'a ${SET} b'],
    ['${UNSET:-a|b}', 'a|b'],
  ])('%s → %p', (value, expected) => {
    expect(composeInterpolate(value, env)).toBe(expected);
  });

  it('fails where compose fails: required variables, a lone $, an unterminated ${', () => {
    expect(() => composeInterpolate('${UNSET:?set it}', env)).toThrow(/UNSET.*set it/);
    expect(() => composeInterpolate('${EMPTY:?set it}', env)).toThrow(/EMPTY/);
    expect(composeInterpolate('${EMPTY?set it}', env)).toBe('');
    expect(() => composeInterpolate('cost: 5$', env)).toThrow(/\$\$/);
    expect(() => composeInterpolate('${SET', env)).toThrow(/unterminated/);
  });

  it('a service environment, as its process sees it', () => {
    const service = { environment: { A: '${HOST_A:-fallback}', B: '${HOST_A:+on}', C: 'plain' } };
    expect(serviceEnvironment(service)).toEqual({ A: 'fallback', B: '', C: 'plain' });
    expect(serviceEnvironment(service, { HOST_A: 'x' })).toEqual({ A: 'x', B: 'on', C: 'plain' });
  });
});

describe('Grafana provisioning expansion', () => {
  const env = { URL: 'http://sink/x', EMPTY: '' };

  it.each([
    ['${URL}', 'http://sink/x'],
    ['$URL', 'http://sink/x'],
    ['$URL/path', 'http://sink/x/path'],
    ['${UNSET}', ''],
    // Grafana is not a shell: a compose-style default is part of the name, so the value is empty.
    ['${URL:-fallback}', ''],
    ['$$URL', '$URL'],
    ['$$B == $$B', '$B == $B'],
    // Unescaped, an expression variable is an (unset) environment variable.
    ['$B == $B', ' == '],
    ['$__env{URL}', 'http://sink/x'],
    ['cost: 5$', 'cost: 5$'],
    ['a $ b', 'a $ b'],
    ['${}x', 'x'],
  ])('%s → %p', (value, expected) => {
    expect(grafanaExpand(value, env)).toBe(expected);
  });

  it('a rule file: title, labels and group fields expanded; queries, expressions and annotations kept', () => {
    const file = {
      apiVersion: 1,
      groups: [
        {
          name: 'g$$1',
          folder: '${FOLDER}',
          rules: [
            {
              uid: 'r',
              title: 'T $$x',
              labels: { team: '${TEAM}', copy: '{{ .Labels.job }}' },
              annotations: { summary: '{{ $labels.job }} at {{ $value }}' },
              data: [
                { refId: 'A', datasourceUid: '${DS}', model: { expr: 'up{job=~"a$"}' } },
                { refId: 'C', datasourceUid: '__expr__', model: { expression: '$B > 0' } },
              ],
            },
          ],
        },
      ],
    };
    const loaded = grafanaLoadsAlerting(file, { FOLDER: 'Pulse', TEAM: 'sre', DS: 'prom' });
    const group = loaded.groups[0]!;
    const rule = group.rules[0]!;
    expect([group.name, group.folder, rule.title]).toEqual(['g$1', 'Pulse', 'T $x']);
    expect(rule.labels).toEqual({ team: 'sre', copy: '{{ .Labels.job }}' });
    expect(rule.annotations).toEqual(file.groups[0]!.rules[0]!.annotations);
    expect(rule.data.map((d) => [d.datasourceUid, d.model])).toEqual([
      ['prom', { expr: 'up{job=~"a$"}' }],
      ['__expr__', { expression: '$B > 0' }],
    ]);
  });

  it('contact points and policies expanded, templates kept', () => {
    const file = {
      contactPoints: [{ receivers: [{ settings: { url: '${URL}', nested: { secret: '$URL' } } }] }],
      policies: [{ routes: [{ object_matchers: [['severity', '=~', '${EMPTY}']] }] }],
      templates: [{ template: '{{ $x := 1 }}' }],
    };
    expect(grafanaLoadsAlerting(file, env)).toEqual({
      contactPoints: [{ receivers: [{ settings: { url: env.URL, nested: { secret: env.URL } } }] }],
      policies: [{ routes: [{ object_matchers: [['severity', '=~', '']] }] }],
      templates: file.templates,
    });
  });
});
