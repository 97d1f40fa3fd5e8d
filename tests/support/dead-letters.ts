import { createConsumer, type Kafka, type KafkaMessage } from '../../core/kafka/client.js';

/** Reads a dead-letter topic from the beginning into `letters`, for the life of a test file. */
export async function readDeadLetters(
  kafka: Kafka,
  topic: string,
  groupId: string,
): Promise<{ letters: KafkaMessage[]; stop: () => Promise<void> }> {
  const letters: KafkaMessage[] = [];
  const consumer = createConsumer(kafka, { groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      letters.push(message);
    },
  });
  return { letters, stop: () => consumer.disconnect() };
}

/** A header of a dead letter, as text. */
export const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
