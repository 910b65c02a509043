// What the call stage takes from the low-bandwidth mode (issue 26): its notice, the data saver, the words for the other side.
export { DataSaverToggleComponent } from './data-saver-toggle.component';
export { LowBandwidthNoticeComponent } from './low-bandwidth-notice.component';
export { remoteCameraOffSentence } from './low-bandwidth-words';
