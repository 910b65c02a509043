// The connection the features follow, and their data channels.
export * from './lib/in-call-connection';
export * from './lib/in-call-channels';

// Verification code.
export * from './lib/verification/verification-code';
export * from './lib/verification/verification.service';
export * from './lib/verification/verification-code.component';

// Chat.
export * from './lib/chat/chat-message';
export * from './lib/chat/chat.service';
export * from './lib/chat/chat-panel.component';
export { chatButtonLabel } from './lib/chat/chat-words';

// Call quality.
export * from './lib/stats/call-stats';
export * from './lib/stats/call-stats.service';
export * from './lib/stats/quality-indicator.component';
export * from './lib/stats/stats-panel.component';

// Files.
export * from './lib/files/file-message';
export type { FileDestination } from './lib/files/file-sink';
export type { FileTransfer, TransferFailure, TransferStatus } from './lib/files/file-transfer';
export { FILE_HIGH_WATER_BYTES, FILE_LOW_WATER_BYTES } from './lib/files/file-message';
export * from './lib/files/file-transfer.service';
export * from './lib/files/files-panel.component';
export * from './lib/files/file-offer-notice.component';
export { filesButtonLabel } from './lib/files/file-words';

// End-of-call report and rating (issue 26).
export * from './lib/reports/call-summary';
export * from './lib/reports/call-report.service';
export * from './lib/reports/call-rating.component';
