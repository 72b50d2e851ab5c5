import { fullNameFromHost, hostMatches, namesForNamespace, toFqdn } from '../../src/analyze/hosts';

describe("Istio's host resolution", () => {
  test('short names become cluster FQDNs in the given namespace; dotted and wildcard hosts stay', () => {
    expect(toFqdn('default', 'reviews')).toBe('reviews.default.svc.cluster.local');
    expect(toFqdn('default', 'example.com')).toBe('example.com');
    expect(toFqdn('default', '*')).toBe('*');
  });

  test('a host names the Service of its FQDN, or the short name in the default namespace', () => {
    expect(fullNameFromHost('default', 'reviews.prod.svc.cluster.local')).toBe('prod/reviews');
    expect(fullNameFromHost('default', 'reviews')).toBe('default/reviews');
  });

  test('wildcards match by suffix, in either direction', () => {
    expect(hostMatches('*.example.com', 'shop.example.com')).toBe(true);
    expect(hostMatches('shop.example.com', '*.example.com')).toBe(true);
    expect(hostMatches('*', 'anything')).toBe(true);
    expect(hostMatches('*.a.example.com', '*.example.com')).toBe(true);
    expect(hostMatches('shop.example.com', 'shop.example.org')).toBe(false);
    expect(hostMatches('*.example.com', 'example.org')).toBe(false);
  });

  test('gateway hosts with a namespace prefix are visible only from that namespace (or `*`)', () => {
    expect(namesForNamespace(['prod/a.com', '*/b.com', 'c.com', 'dev/d.com'], 'prod')).toEqual(['a.com', 'b.com', 'c.com']);
  });
});
