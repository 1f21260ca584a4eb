import { FakeRuntimeDriver } from './fake-runtime.driver.js';
import { runtimeDriverContract } from './runtime-driver.contract.js';

/** The fake keeps every rule the real drivers keep, so orchestration tests on it mean something. */
const fake = new FakeRuntimeDriver();
fake.images.add('berth/busybox:test');

runtimeDriverContract('fake', {
  driver: () => fake,
  image: 'berth/busybox:test',
  labelsOf: (workspaceId) => Promise.resolve(fake.objectLabels(workspaceId)),
});
