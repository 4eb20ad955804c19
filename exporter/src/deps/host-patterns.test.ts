import { compileHostPatterns, parseHostOrUrl, splitHostHeader } from './host-patterns';

describe('host patterns', () => {
  const nameOf = compileHostPatterns([
    ['api.stripe.com', 'stripe'],
    ['*.amazonaws.com', 'aws'],
    ['*.s3.amazonaws.com', 's3'],
    ['localhost:4000', 'payments'],
    ['localhost', 'local'],
    ['[::1]:5000', 'v6'],
    ['[::2]', 'v6-any-port'],
  ]);

  test('host:port beats host, which beats the longest *.suffix', () => {
    expect(nameOf('api.stripe.com', '443')).toBe('stripe');
    expect(nameOf('API.Stripe.com', '443')).toBe('stripe');
    expect(nameOf('localhost', '4000')).toBe('payments');
    expect(nameOf('localhost', '4001')).toBe('local');
    expect(nameOf('sqs.eu-west-1.amazonaws.com', '443')).toBe('aws');
    expect(nameOf('bucket.s3.amazonaws.com', '443')).toBe('s3');
    expect(nameOf('::1', '5000')).toBe('v6');
    expect(nameOf('::2', '443')).toBe('v6-any-port');
  });

  test('*.domain matches subdomains only, and nothing else matches', () => {
    expect(nameOf('amazonaws.com', '443')).toBeUndefined();
    expect(nameOf('stripe.com', '443')).toBeUndefined();
    expect(nameOf('evilamazonaws.com', '443')).toBeUndefined();
  });

  test('parses hosts, host headers and URLs', () => {
    expect(splitHostHeader('example.com:8080')).toEqual({ host: 'example.com', port: '8080' });
    expect(splitHostHeader('example.com')).toEqual({ host: 'example.com', port: '' });
    expect(splitHostHeader('[::1]:3000')).toEqual({ host: '::1', port: '3000' });
    expect(splitHostHeader('::1')).toEqual({ host: '::1', port: '' });
    expect(parseHostOrUrl('https://user:pw@Loki.example.com/loki/api/v1/push')).toEqual({
      host: 'loki.example.com',
      port: '443',
    });
    expect(parseHostOrUrl('http://127.0.0.1:3100')).toEqual({ host: '127.0.0.1', port: '3100' });
    expect(parseHostOrUrl('http://[::1]:3100')).toEqual({ host: '::1', port: '3100' });
    expect(parseHostOrUrl('::not a url')).toBeDefined();
  });
});
