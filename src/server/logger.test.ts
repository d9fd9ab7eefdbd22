import { redactedUrl } from './logger';

describe('redactedUrl', () => {
  it('masks a password and leaves the rest of the URL as it was', () => {
    expect(redactedUrl('postgres://coalition:s3cret@replica-1:5432/coalition')).toBe('postgres://coalition:***@replica-1:5432/coalition');
    expect(redactedUrl('redis://127.0.0.1:6379/2')).toBe('redis://127.0.0.1:6379/2');
  });
});
