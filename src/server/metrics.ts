/**
 * Counters and gauges of one server process, rendered in the Prometheus text exposition format
 * (version 0.0.4) for GET /metrics (docs/SERVER.md §8). Queue sizes are read from the store at
 * scrape time; everything else is counted in memory since the process started.
 */
import type { ServerErrorCode } from '../util/errors.ts';
import type { QueueStats } from './store.ts';

export class Metrics {
  openConnections = 0;
  connectedDevices = 0;
  framesIn = 0;
  messagesStored = 0;
  duplicateSends = 0;
  deliveries = 0;
  acks = 0;
  bundlesServed = 0;
  preKeysUploaded = 0;
  sealedMessagesStored = 0;
  certificatesIssued = 0;
  readonly rejections = new Map<ServerErrorCode, number>();

  reject(code: ServerErrorCode): void {
    this.rejections.set(code, (this.rejections.get(code) ?? 0) + 1);
  }

  /** The exposition text: HELP and TYPE lines, then samples. */
  render(queue: QueueStats): string {
    const out: string[] = [];
    const metric = (name: string, type: 'gauge' | 'counter', help: string, value: number) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    metric('pqmsg_open_connections', 'gauge', 'Open WebSocket connections.', this.openConnections);
    metric('pqmsg_connected_devices', 'gauge', 'Authenticated device connections.', this.connectedDevices);
    metric('pqmsg_queued_messages', 'gauge', 'Messages stored and not yet acknowledged.', queue.messages);
    metric('pqmsg_queued_bytes', 'gauge', 'Envelope bytes stored and not yet acknowledged.', queue.bytes);
    metric('pqmsg_frames_received_total', 'counter', 'Binary frames received.', this.framesIn);
    metric('pqmsg_messages_stored_total', 'counter', 'SENDs committed to a mailbox.', this.messagesStored);
    metric('pqmsg_duplicate_sends_total', 'counter', 'Retried SENDs answered from the idempotency record.', this.duplicateSends);
    metric('pqmsg_deliveries_total', 'counter', 'Messages pushed to a connected recipient.', this.deliveries);
    metric('pqmsg_acks_total', 'counter', 'Messages acknowledged and deleted.', this.acks);
    metric('pqmsg_bundles_served_total', 'counter', 'Prekey bundles handed out.', this.bundlesServed);
    metric('pqmsg_prekeys_uploaded_total', 'counter', 'Signed prekeys accepted.', this.preKeysUploaded);
    metric('pqmsg_sealed_messages_stored_total', 'counter', 'SEND_SEALEDs committed to a mailbox (no sender known).', this.sealedMessagesStored);
    metric('pqmsg_sender_certificates_issued_total', 'counter', 'Sender certificates signed.', this.certificatesIssued);
    out.push('# HELP pqmsg_rejections_total Requests or frames refused, by error code.');
    out.push('# TYPE pqmsg_rejections_total counter');
    for (const [code, n] of [...this.rejections].sort()) out.push(`pqmsg_rejections_total{code="${code}"} ${n}`);
    return out.join('\n') + '\n';
  }
}
