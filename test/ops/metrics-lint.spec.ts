import { namingProblems, ownFamiliesText, parse, promtoolProblems } from './metrics-lint';

// The checks of metrics.e2e-spec.ts must be able to fail: fed bad metrics, they complain.
describe('metrics lint', () => {
  const bad = [
    '# HELP kefu_jobs_done Jobs done',
    '# TYPE kefu_jobs_done counter',
    'kefu_jobs_done{ticket="9b2f6c1e-0d5a-4a57-9a63-0f7f1c2e8d11"} 1',
    '# HELP kefu_wait Wait time',
    '# TYPE kefu_wait histogram',
    'kefu_wait_bucket{le="+Inf"} 1',
    'kefu_wait_sum 1',
    'kefu_wait_count 1',
    '# HELP kefu_open_total Open now',
    '# TYPE kefu_open_total gauge',
    'kefu_open_total{url="https://x.example/a"} 1',
    '# HELP nodejs_heap Not ours',
    '# TYPE nodejs_heap gauge',
    'nodejs_heap 1',
    '',
  ].join('\n');

  it('finds each broken naming rule, and leaves other families alone', () => {
    expect(namingProblems(parse(bad))).toEqual([
      'kefu_jobs_done: counter without _total',
      'kefu_jobs_done{ticket="9b2f6c1e-0d5a-4a57-9a63-0f7f1c2e8d11"}: unbounded',
      'kefu_wait: histogram without a unit',
      'kefu_open_total: _total on a GAUGE',
      'kefu_open_total{url="https://x.example/a"}: unbounded',
    ]);
    expect(ownFamiliesText(bad)).not.toMatch(/nodejs_heap/);
  });

  it('promtool complains about a counter without _total, and not about a clean one', () => {
    expect(promtoolProblems(ownFamiliesText(bad)).join('\n')).toMatch(/kefu_jobs_done.*_total/);
    const clean = '# HELP kefu_done_total Done\n# TYPE kefu_done_total counter\nkefu_done_total 1\n';
    expect(promtoolProblems(clean)).toEqual([]);
  });
});
