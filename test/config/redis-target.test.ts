import { describe, expect, it } from 'vitest';
import { parseRedisTarget, type RedisTargetInput } from '../../src/config/redis-target.js';

/** The target of a valid input (failing the test with the problems otherwise). */
function targetOf(input: RedisTargetInput) {
  const result = parseRedisTarget(input);
  expect(result.problems).toEqual([]);
  return result.target;
}

/** The problems of an invalid input. */
function problemsOf(input: RedisTargetInput): readonly string[] {
  const result = parseRedisTarget(input);
  expect(result.target).toBeUndefined();
  expect(result.problems.length).toBeGreaterThan(0);
  return result.problems;
}

describe('parseRedisTarget', () => {
  it('returns no target when nothing is configured, blank values included', () => {
    expect(parseRedisTarget({})).toEqual({ target: undefined, problems: [] });
    expect(
      targetOf({ url: '', sentinels: ' ', sentinelName: '', clusterNodes: '  ' }),
    ).toBeUndefined();
  });

  it('takes a URL alone as a standalone Redis, unchanged', () => {
    expect(targetOf({ url: 'rediss://:s3cret@redis.example:6380/2' })).toEqual({
      kind: 'standalone',
      url: 'rediss://:s3cret@redis.example:6380/2',
    });
  });

  it('parses sentinels, with IPv6 in brackets and stray spaces or a trailing comma', () => {
    expect(
      targetOf({
        sentinels: ' 10.0.0.1:26379, sentinel-2.internal:26380,[fd00::3]:26379, ',
        sentinelName: 'mymaster',
      }),
    ).toEqual({
      kind: 'sentinel',
      name: 'mymaster',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-2.internal', port: 26380 },
        { host: 'fd00::3', port: 26379 },
      ],
    });
  });

  it('takes credentials, database and TLS for Sentinel from the URL, ignoring its host', () => {
    expect(
      targetOf({
        url: 'rediss://bot:p%40ss@ignored-host:1/3?sentinelPassword=watch%21',
        sentinels: 's1:26379',
        sentinelName: 'mymaster',
      }),
    ).toEqual({
      kind: 'sentinel',
      name: 'mymaster',
      sentinels: [{ host: 's1', port: 26379 }],
      username: 'bot',
      password: 'p@ss',
      sentinelPassword: 'watch!',
      db: 3,
      tls: true,
    });
    expect(targetOf({ url: 'redis://:pw@x', sentinels: 's1:26379', sentinelName: 'm' })).toEqual({
      kind: 'sentinel',
      name: 'm',
      sentinels: [{ host: 's1', port: 26379 }],
      password: 'pw',
    });
  });

  it('decodes a percent-encoded password holding "/", "@" and "%"', () => {
    expect(
      targetOf({ url: 'redis://:a%2Fb%40c%25d@x', sentinels: 's1:26379', sentinelName: 'm' }),
    ).toMatchObject({ password: 'a/b@c%d' });
  });

  it('parses cluster nodes and takes password and TLS from the URL', () => {
    expect(targetOf({ clusterNodes: 'redis-1:6379,[::1]:7000' })).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'redis-1', port: 6379 },
        { host: '::1', port: 7000 },
      ],
    });
    expect(targetOf({ url: 'rediss://:pw@ignored/0', clusterNodes: '10.1.1.1:6379' })).toEqual({
      kind: 'cluster',
      nodes: [{ host: '10.1.1.1', port: 6379 }],
      password: 'pw',
      tls: true,
    });
  });

  it('prefers cluster over sentinel over URL', () => {
    const all = {
      url: 'redis://:pw@localhost:6379',
      sentinels: 's1:26379',
      sentinelName: 'mymaster',
      clusterNodes: 'c1:6379',
    };
    expect(targetOf(all)?.kind).toBe('cluster');
    expect(targetOf({ ...all, clusterNodes: '' })?.kind).toBe('sentinel');
    expect(targetOf({ ...all, clusterNodes: '', sentinels: '', sentinelName: '' })).toEqual({
      kind: 'standalone',
      url: all.url,
    });
  });

  it('rejects malformed lists, naming the variable and showing the expected form', () => {
    const badSentinels = ['s1', 's1:', ':26379', 's1:abc', 's1:0', 's1:70000', 'a b:1', ','];
    for (const sentinels of badSentinels) {
      expect(problemsOf({ sentinels, sentinelName: 'm' }), sentinels).toEqual([
        expect.stringMatching(
          /^REDIS_SENTINELS must be host:port pairs separated by commas, e\.g\. "/,
        ),
      ]);
    }
    expect(problemsOf({ clusterNodes: 'c1:6379;c2:6379' })).toEqual([
      expect.stringMatching(
        /^REDIS_CLUSTER_NODES must be host:port pairs separated by commas.*"c1:6379;c2:6379" is not one/,
      ),
    ]);
    expect(problemsOf({ clusterNodes: 'fd00::1:6379' })[0]).toMatch(
      /REDIS_CLUSTER_NODES.*put IPv6 addresses in brackets/,
    );
    expect(problemsOf({ clusterNodes: '[not-ipv6]:6379' })[0]).toMatch(
      /REDIS_CLUSTER_NODES.*"not-ipv6" .* is not a host name or IP address/,
    );
  });

  it('reports every malformed entry and every other problem at once', () => {
    expect(
      problemsOf({ url: 'redis://:pw@x/db', sentinels: 'a,b:1,c:0', sentinelName: 'my master' }),
    ).toEqual([
      expect.stringMatching(/^REDIS_URL's path must be a database number/),
      expect.stringMatching(/^REDIS_SENTINELS .*"a" is not one/),
      expect.stringMatching(/^REDIS_SENTINELS .*the port in "c:0"/),
      expect.stringMatching(/^REDIS_SENTINEL_NAME must be one word/),
    ]);
  });

  it('requires a sentinel name with sentinels, and sentinels with a name', () => {
    expect(problemsOf({ sentinels: 's1:26379' })[0]).toMatch(
      /^REDIS_SENTINEL_NAME must be set with REDIS_SENTINELS/,
    );
    expect(problemsOf({ sentinelName: 'mymaster' })[0]).toMatch(
      /^REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not/,
    );
    expect(problemsOf({ sentinels: 's1:26379', sentinelName: 'my master' })[0]).toMatch(
      /REDIS_SENTINEL_NAME must be one word/,
    );
  });

  it('rejects a bad URL showing it without credentials, and a database other than 0 on a cluster', () => {
    for (const url of [
      'http://:hunter2@host',
      'not a url :hunter2',
      'redis://:hunter2@h/x',
      'redis://:hun/ter2@h',
      'redis://:hunter2%@h',
      'redis://h/x?sentinelPassword=hunter2',
    ]) {
      const [problem] = problemsOf({ url, sentinels: 's1:26379', sentinelName: 'm' });
      expect(problem, url).toMatch(/^REDIS_URL/);
      expect(problem, url).not.toContain('hunter2');
    }
    expect(problemsOf({ url: 'ftp://x' })[0]).toMatch(
      /^REDIS_URL must start with redis:\/\/ or rediss:\/\/, not ftp:\/\/, e\.g\. /,
    );
    expect(problemsOf({ url: 'redis://:p/w@h:6379' })[0]).toMatch(
      /^REDIS_URL is not a valid URL \(got "redis:\/\/\*\*\*@h:6379"\): percent-encode/,
    );
    expect(problemsOf({ url: 'redis://:pw@x/2', clusterNodes: 'c1:6379' })[0]).toMatch(
      /^Redis Cluster has only database 0, but REDIS_URL selects database 2/,
    );
  });
});
