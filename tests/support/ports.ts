/**
 * A port for a test process's HTTP server: 20000-31999, below Linux's ephemeral range (32768-60999), where
 * an outgoing connection of any process could already hold the port (seen: EADDRINUSE on 36764).
 */
export function testHttpPort(): string {
  return String(20_000 + Math.floor(Math.random() * 12_000));
}
