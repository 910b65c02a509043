import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/**
 * A 60-point line chart as one SVG polyline. Written here rather than taken from a chart library:
 * it needs no axes, zoom or legends, and costs well under 1 kB where the smallest library
 * (uPlot) is ~45 kB minified. Null points (no reading) break nothing: they are skipped.
 */
@Component({
  selector: 'duet-sparkline',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg [attr.viewBox]="'0 0 ' + slots() + ' 20'" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <polyline [attr.points]="points()" />
    </svg>
  `,
  styles: `
    :host { display: block; height: 1.6rem; }
    svg { width: 100%; height: 100%; overflow: visible; }
    polyline { fill: none; stroke: currentColor; stroke-width: 1.5; vector-effect: non-scaling-stroke; }
  `,
})
export class SparklineComponent {
  readonly values = input.required<readonly (number | null)[]>();
  /** Points across: the chart fills from the right as samples arrive. */
  readonly slots = input(60);

  protected readonly points = computed(() => {
    const values = this.values();
    const max = Math.max(1e-9, ...values.map((value) => value ?? 0));
    const offset = this.slots() - values.length;
    return values
      .map((value, index) => (value === null ? null : `${offset + index},${(20 - (value / max) * 19).toFixed(1)}`))
      .filter((point) => point !== null)
      .join(' ');
  });
}
