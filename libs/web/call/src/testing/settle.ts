import { ComponentFixture, DeferBlockState } from '@angular/core/testing';
// The page's deferred parts, loaded with the spec files that settle the page: Jest transforms a
// module on its first import (seconds for the call stage and its panels), which must not be paid
// inside the first test's time limit.
import '../lib/call-stage/call-stage.component';
import '../lib/lobby-preview/lobby-preview.component';

/**
 * Renders what changed, then the page's @defer chunks (the call stage, the lobby preview, the guest
 * cards) and any they bring: in a browser they arrive a moment later, in a test at once.
 */
export async function settle(fixture: ComponentFixture<unknown>): Promise<void> {
  await fixture.whenStable();
  for (let round = 0; round < 3; round++) {
    for (const block of await fixture.getDeferBlocks()) await block.render(DeferBlockState.Complete);
  }
  await fixture.whenStable();
}
