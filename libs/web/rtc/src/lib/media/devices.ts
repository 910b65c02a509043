import { InputKind } from '../call/call-notice';
import { readPreference } from './preference-storage';

/** The local devices a user chooses from: cameras, microphones, speakers. */
export type DeviceKind = InputKind | 'speaker';

export interface DeviceOption {
  id: string;
  label: string;
}

export type DeviceLists = Readonly<Record<DeviceKind, readonly DeviceOption[]>>;
/** The chosen device per kind; null means the browser's default. */
export type DeviceChoices = Readonly<Record<DeviceKind, string | null>>;

/** Where the choices are remembered (PREFERENCE_STORAGE, i.e. localStorage). */
export const DEVICE_CHOICES_KEY = 'duet.devices';
export const NO_DEVICES: DeviceLists = { camera: [], microphone: [], speaker: [] };
const DEFAULT_CHOICES: DeviceChoices = { camera: null, microphone: null, speaker: null };
const BROWSER_KINDS: Record<MediaDeviceKind, DeviceKind> = {
  videoinput: 'camera',
  audioinput: 'microphone',
  audiooutput: 'speaker',
};

/** The browser's devices as lists per kind; a device without a label (before permission) gets one. */
export function deviceListsOf(devices: readonly MediaDeviceInfo[]): DeviceLists {
  const lists: Record<DeviceKind, DeviceOption[]> = { camera: [], microphone: [], speaker: [] };
  for (const device of devices) {
    const kind = BROWSER_KINDS[device.kind];
    if (!kind || !device.deviceId) continue;
    const list = lists[kind];
    list.push({ id: device.deviceId, label: device.label || `${kind} ${list.length + 1}` });
  }
  return lists;
}

/** The remembered choices; anything unreadable counts as the defaults. */
export function loadDeviceChoices(storage: Storage | null): DeviceChoices {
  const saved = readPreference(storage, DEVICE_CHOICES_KEY);
  if (!saved) return DEFAULT_CHOICES;
  try {
    const value = JSON.parse(saved) as Record<string, unknown>;
    const pick = (kind: DeviceKind) => (typeof value[kind] === 'string' ? (value[kind] as string) : null);
    return { camera: pick('camera'), microphone: pick('microphone'), speaker: pick('speaker') };
  } catch {
    return DEFAULT_CHOICES;
  }
}
