import { poolParametersKey, type TemplateVersion } from '#domain';
import { type PoolSlotRecord, type PoolTarget } from '#persistence';
import { slotParameters } from './pool-slot-maker.js';
import { sortSlots } from './warm-pool.service.js';

const version = (over: Partial<TemplateVersion> = {}): TemplateVersion => ({
  id: 'v1-id',
  templateId: 't',
  version: 1,
  spec: {
    image: 'berth/busybox:test',
    parameters: [{ name: 'memoryMb', kind: 'number', min: 64, max: 512, default: 128 }],
  },
  status: 'ready',
  imageDigest: null,
  imageRef: null,
  imageId: null,
  message: '',
  createdById: null,
  buildStartedAt: null,
  buildFinishedAt: null,
  buildError: null,
  poolSize: 2,
  createdAt: new Date(0),
  ...over,
});
const target = (over: Partial<TemplateVersion> = {}): PoolTarget => ({ version: version(over), templateName: 'pool' });
const NOW = 10 * 60_000;
let n = 0;
const slot = (over: Partial<PoolSlotRecord> = {}): PoolSlotRecord => ({
  id: `s${++n}`,
  templateId: 't',
  templateVersion: 1,
  parametersKey: slotParameters(version()).key,
  state: 'ready',
  createdAt: new Date(NOW - 1000),
  ...over,
});

describe('warm pool rules', () => {
  it('keys parameters canonically: the same values in any order match, other values do not', () => {
    expect(poolParametersKey({ b: 1, a: { y: '2', x: '1' } })).toBe(poolParametersKey({ a: { x: '1', y: '2' }, b: 1 }));
    expect(poolParametersKey({ memoryMb: 128 })).not.toBe(poolParametersKey({ memoryMb: 256 }));
    expect(slotParameters(version()).key).toBe(poolParametersKey({ memoryMb: 128 }));
  });

  it('keeps the wanted slots of the promoted version, up to its size', () => {
    const slots = [slot(), slot({ state: 'warming' }), slot()];
    const { keep, drain } = sortSlots([target()], slots, NOW);
    expect(keep.get('v1-id')).toBe(2);
    expect(drain).toEqual([slots[2]!.id]);
  });

  it('drains slots of a version that is no longer promoted, with other parameters, stuck warming, or half drained', () => {
    const slots = [
      slot({ templateVersion: 0 }),
      slot({ parametersKey: poolParametersKey({ memoryMb: 256 }) }),
      slot({ state: 'warming', createdAt: new Date(0) }),
      slot({ state: 'draining' }),
      slot(),
    ];
    const { keep, drain } = sortSlots([target()], slots, NOW);
    expect(drain).toEqual(slots.slice(0, 4).map((s) => s.id));
    expect(keep.get('v1-id')).toBe(1);
  });

  it('drains everything when no version wants a pool', () => {
    const slots = [slot(), slot()];
    expect(sortSlots([], slots, NOW)).toEqual({ keep: new Map(), drain: slots.map((s) => s.id) });
  });
});
