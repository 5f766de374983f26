import { partnerOf } from './api-key.service';

describe('partnerOf (the tenant of an API key)', () => {
  it.each([
    ['call-centre', 'call-centre'],
    ['Call Centre IVR', 'call-centre-ivr'],
    ['  Payments   Core! ', 'payments-core'],
    ['Café Crème', 'cafe-creme'],
    ['客服 热线', '客服-热线'],
    ['!!!', ''],
  ])('%s → %s', (name, slug) => {
    expect(partnerOf(name)).toBe(slug);
  });
});
