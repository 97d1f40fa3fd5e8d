import type { StarlingConfig } from '../core/config/load.js';

/**
 * Kafka Connect converter settings that make Debezium write Avro through the registry in the Confluent wire
 * format (magic byte 0, 4-byte schema id), which Starling's codec reads back through the registry's
 * Confluent-compatible API. The converter is Apicurio's 2.6 one (Maven Central serves no 3.x converter); it
 * registers through the registry's v2 API, and `use-id=contentId` makes the 4-byte id the one the ccompat
 * API serves.
 */
export function avroConverterConfig(config: StarlingConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const side of ['key', 'value'] as const) {
    const p = `${side}.converter`;
    out[p] = 'io.apicurio.registry.utils.converter.AvroConverter';
    out[`${p}.apicurio.registry.url`] = `${config.registry.url}/apis/registry/v2`;
    out[`${p}.apicurio.registry.auto-register`] = 'true';
    out[`${p}.apicurio.registry.find-latest`] = 'true';
    out[`${p}.apicurio.registry.id-handler`] = 'io.apicurio.registry.serde.Legacy4ByteIdHandler';
    // Ids in the payload, not in record headers (the converter's default).
    out[`${p}.apicurio.registry.headers.enabled`] = 'false';
    out[`${p}.apicurio.registry.use-id`] = 'contentId';
    // The registry's basic auth (the 2.6 serde's keys have no `registry.` in them).
    if (config.registry.auth) {
      out[`${p}.apicurio.auth.username`] = config.registry.auth.username;
      out[`${p}.apicurio.auth.password`] = config.registry.auth.password;
    }
  }
  return out;
}
