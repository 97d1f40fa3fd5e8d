import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors/user-error.js';
import { resnapshot } from './resnapshot.js';

/** A fake Kafka Connect: records the calls, moves the connector through STOPPED and RUNNING. */
function fakeConnect(o: { names?: string[]; deleteStatus?: number } = {}) {
  const calls: string[] = [];
  let state = 'RUNNING';
  const call = async (method: string, path: string) => {
    calls.push(`${method} ${path}`);
    if (path === '/connectors') return { status: 200, body: o.names ?? ['c1'] };
    if (path.endsWith('/stop')) state = 'STOPPED';
    if (path.endsWith('/resume')) state = 'RUNNING';
    if (path.endsWith('/offsets'))
      return o.deleteStatus
        ? { status: o.deleteStatus, body: { message: 'offsets cannot be altered' } }
        : { status: 200, body: { message: 'The offsets for this connector have been reset successfully' } };
    if (path.endsWith('/status'))
      return { status: 200, body: { connector: { state }, tasks: state === 'RUNNING' ? [{ state }] : [] } };
    return { status: 202, body: undefined };
  };
  return { calls, call };
}

describe('resnapshot', () => {
  it('stops the connector, deletes its offsets once it is STOPPED, and resumes it', async () => {
    const f = fakeConnect();
    const steps = await resnapshot('http://x', 'c1', { call: f.call });
    expect(steps.map((s) => s.step)).toEqual(['stop', 'delete-offsets', 'resume']);
    expect(f.calls.filter((c) => !c.endsWith('/status'))).toEqual([
      'GET /connectors',
      'PUT /connectors/c1/stop',
      'DELETE /connectors/c1/offsets',
      'PUT /connectors/c1/resume',
    ]);
  });

  it('names the connectors there are when the name is unknown', async () => {
    const f = fakeConnect({ names: ['a', 'b'] });
    const err = await resnapshot('http://x', 'c1', { call: f.call }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      'there is no connector named c1 on Kafka Connect (there are: a, b); name one with --name',
    );
    expect(f.calls).toEqual(['GET /connectors']);
  });

  it('says what state it left the connector in when Connect refuses to delete the offsets', async () => {
    const f = fakeConnect({ deleteStatus: 400 });
    await expect(resnapshot('http://x', 'c1', { call: f.call })).rejects.toThrow(/left STOPPED/);
  });
});
