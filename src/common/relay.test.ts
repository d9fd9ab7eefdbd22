import { fromGlobalId, localIdOf, pageWindow, toConnection, toGlobalId, encodeCursor } from './relay';

describe('global IDs', () => {
  it('round-trip a type and key through an opaque string', () => {
    const id = toGlobalId('Partner', 42n);
    expect(id).not.toContain('Partner');
    expect(fromGlobalId(id)).toEqual({ typeName: 'Partner', localId: '42' });
    expect(localIdOf(id, 'Partner')).toBe('42');
    expect(localIdOf(id, 'Member')).toBeNull();
  });

  it('reject malformed IDs', () => {
    for (const id of [
      '',
      '%%%',
      Buffer.from('Partner:').toString('base64url'),
      Buffer.from('Partner:1;drop').toString('base64url'),
      'A'.repeat(300),
    ]) {
      expect(fromGlobalId(id)).toBeNull();
    }
  });
});

describe('connections', () => {
  const rows = [1, 2, 3, 4].map((n) => ({ id: String(n) }));

  it('defaults to 20 forward and caps at 100', () => {
    expect(pageWindow({})).toEqual({ after: null, before: null, limit: 20, backward: false });
    expect(() => pageWindow({ first: 101 })).toThrow('"first" must be between 0 and 100');
    expect(() => pageWindow({ last: 101 })).toThrow('"last" must be between 0 and 100');
  });

  it('shapes a forward page and says whether more follow', () => {
    const window = pageWindow({ first: 3 });
    const connection = toConnection(
      rows,
      window,
      (r) => r.id,
      (r) => r.id,
    );
    expect(connection.edges.map((e) => e.node)).toEqual(['1', '2', '3']);
    expect(connection.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: encodeCursor('1'),
      endCursor: encodeCursor('3'),
    });
  });

  it('shapes a backward page in ascending order', () => {
    const window = pageWindow({ last: 2, before: encodeCursor('5') });
    const descending = [...rows].reverse();
    const connection = toConnection(
      descending,
      window,
      (r) => r.id,
      (r) => r.id,
    );
    expect(connection.edges.map((e) => e.node)).toEqual(['3', '4']);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });
});
