/**
 * Prints `tests: N passed, N failed` as the very last line of a jest run: CI
 * reads this line. Suites that failed to load count as one failure each, so a
 * broken file can never make the run look green.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`tests: ${results.numPassedTests} passed, ${failed} failed\n`);
  }
}
module.exports = SummaryReporter;
