import { FileTransfer } from './file-transfer';

// The file transfers' sentences (the panel's, the offer notice's and the files button's).

export const FILES_TITLE = 'Files';
export const FILES_PICK = 'Send a file';
export const FILES_DROP = 'or drop files here. They go straight to the other person, checked on arrival.';

export function filesButtonLabel(open: boolean, waiting: number): string {
  if (open) return 'Close files';
  return waiting === 0 ? 'Files' : `Files, ${waiting} waiting for your answer`;
}

export function fileSize(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1_000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}

export function transferPercent(transfer: FileTransfer): number {
  if (transfer.status === 'done') return 100;
  return transfer.size === 0 ? 0 : Math.floor((transfer.bytes / transfer.size) * 100);
}

/** An incoming offer, where the person is looking: who, what, how big. */
export function fileOfferSentence(sender: string, name: string, size: number): string {
  return `${sender || 'They'} want${sender ? 's' : ''} to send you “${name}” (${fileSize(size)}).`;
}

/** What is happening to a transfer: status, and while bytes flow, speed and time left. */
export function transferLine(transfer: FileTransfer, peer = ''): string {
  switch (transfer.status) {
    case 'offered':
      return 'Waiting for them to accept…';
    case 'incoming':
      return `${peer || 'They'} want${peer ? 's' : ''} to send you this file.`;
    case 'sending':
    case 'receiving': {
      const speed = transfer.bytesPerSecond;
      if (!speed) return 'Starting…';
      const left = Math.ceil((transfer.size - transfer.bytes) / speed);
      return `${fileSize(speed)}/s · ${left < 60 ? `${left} s` : `${Math.ceil(left / 60)} min`} left`;
    }
    case 'verifying':
      return 'Sent; they are checking it…';
    case 'done':
      if (transfer.outgoing) return 'Delivered and checked.';
      if (transfer.destination === 'downloads') return 'Received and checked: saved in your downloads.';
      if (transfer.destination === 'chosen-file') return 'Received and checked: saved where you chose.';
      return 'Received and checked: ready to save.';
    case 'declined':
      return transfer.outgoing ? 'They declined.' : 'Declined.';
    case 'cancelled':
      return 'Cancelled.';
    case 'failed':
      switch (transfer.failure) {
        case 'mismatch':
          return 'Damaged on the way (checksum mismatch): not saved.';
        case 'size':
          return 'Arrived with the wrong size: not saved.';
        case 'read':
          return 'The file could not be read.';
        case 'too-big':
          return 'Too big for this browser to receive (it can only hold files in memory here, up to 2 GB).';
        case 'write':
          return 'It could not be written to disk: not saved.';
        default:
          return 'The connection closed before the file was complete.';
      }
  }
}
