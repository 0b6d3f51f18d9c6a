import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, `tests: N passed, N failed, N skipped`, so that CI logs
 * (and tools that read closing lines) see the totals even when the default reporter's
 * summary is cut. A file or suite that failed outside any test (a failing `beforeAll`, an
 * import error) counts as one failure: its tests never ran, so they are not "skipped".
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      if (testModule.errors().length > 0) failed += 1;
      for (const suite of testModule.children.allSuites()) {
        if (suite.errors().length > 0) failed += 1;
      }
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
