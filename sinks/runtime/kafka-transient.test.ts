import { describe, expect, it } from 'vitest';
import { isTransientKafkaError, kafkaErrorType } from './kafka-transient.js';

describe('isTransientKafkaError', () => {
  it('sees through the retries-exceeded wrapper to a retriable cause', () => {
    const connection = Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
      retriable: true,
    });
    const exceeded = Object.assign(new Error('exceeded'), { retriable: false, cause: connection });
    expect(isTransientKafkaError(exceeded)).toBe(true);
    expect(isTransientKafkaError(connection)).toBe(true);
  });

  it('does not wait out non-retriable errors or plain errors', () => {
    expect(
      isTransientKafkaError(Object.assign(new Error('SASL authentication failed'), { retriable: false })),
    ).toBe(false);
    expect(isTransientKafkaError(new Error('bug'))).toBe(false);
    expect(isTransientKafkaError(undefined)).toBe(false);
  });
});

describe('kafkaErrorType', () => {
  it('finds the protocol type under a non-retriable wrapper', () => {
    const inner = Object.assign(new Error('The coordinator is not aware of this member'), {
      type: 'UNKNOWN_MEMBER_ID',
    });
    expect(kafkaErrorType(Object.assign(new Error(inner.message), { cause: inner }))).toBe(
      'UNKNOWN_MEMBER_ID',
    );
    expect(kafkaErrorType(new Error('x'))).toBeUndefined();
  });
});

describe('a consumer that kafkajs is restarting', () => {
  it('is waited out', () => {
    const e = Object.assign(
      new Error('Consumer group was not initialized, consumer#run must be called first'),
      {
        retriable: false,
      },
    );
    expect(isTransientKafkaError(e)).toBe(true);
  });
});
