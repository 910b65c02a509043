import { QualityVerdict, StatsSample } from './call-stats';

// The call quality's sentences (the indicator's and the stats panel's).

export const STATS_TITLE = 'Call quality';

export function qualitySentence({ quality, reason }: QualityVerdict): string {
  const level = quality === 'good' ? 'Good connection' : quality === 'fair' ? 'Fair connection' : 'Poor connection';
  switch (reason) {
    case 'ok':
      return level;
    case 'loss':
      return `${level}: packets are being lost`;
    case 'latency':
      return `${level}: long delay`;
    case 'jitter':
      return `${level}: uneven delivery`;
    case 'no-media':
      return `${level}: nothing is arriving`;
    case 'nothing-sent':
      return `${level}: they send no sound or picture (no camera or microphone)`;
  }
}

/** One figure of the stats panel, or a dash while there is no reading. */
export function statsFigure(value: number | null, unit: string): string {
  if (value === null) return '–';
  const digits = value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${unit}`;
}

const CANDIDATE_WORDS: Record<string, string> = {
  host: 'host (direct)',
  srflx: 'srflx (through NAT)',
  prflx: 'prflx (through NAT)',
  relay: 'relay (through TURN)',
};

export function candidatePairWords(sample: StatsSample | null): string {
  if (!sample?.localCandidateType) return 'Path: finding out…';
  const name = (type: string | null) => (type ? (CANDIDATE_WORDS[type] ?? type) : '?');
  return `Path: ${name(sample.localCandidateType)} ↔ ${name(sample.remoteCandidateType)}`;
}
