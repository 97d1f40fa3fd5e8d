import type { Decoded } from '../../core/codec/avro-codec.js';
import { mongoChange } from './mongodb.js';
import { relationalChange } from './relational.js';
import { BadRecordError, type ChangeEvent } from './types.js';

/** Picks the envelope mapper by the connector that wrote the event. */
export function mapChange(
  key: Decoded<Record<string, unknown>> | null,
  value: Decoded<Record<string, unknown>>,
  offset: string,
): ChangeEvent {
  const connector = (value.value.source as { connector?: string } | undefined)?.connector;
  switch (connector) {
    case 'mariadb':
    case 'mysql':
      return relationalChange(key, value as never, offset);
    case 'mongodb':
      return mongoChange(key as never, value as never, offset);
    default:
      throw new BadRecordError('CONNECTOR_UNKNOWN', `events from connector '${connector}' are not supported`);
  }
}
