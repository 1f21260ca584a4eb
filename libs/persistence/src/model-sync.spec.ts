import {
  BUILD_STATUSES,
  DESIRED_STATES,
  ROLES,
  TEMPLATE_VERSION_STATUSES,
  TRANSITION_KINDS,
  WORKSPACE_STATUSES,
} from '#domain';
import * as enums from './generated/enums.js';

/**
 * The domain defines the statuses, kinds and roles; the schema's enums must hold exactly the
 * same values (the database refuses anything else), so a change to one without the other fails here.
 */
describe('the schema agrees with the domain', () => {
  it.each([
    ['WorkspaceStatus', enums.WorkspaceStatus, WORKSPACE_STATUSES],
    ['BuildKind', enums.BuildKind, TRANSITION_KINDS],
    ['BuildStatus', enums.BuildStatus, BUILD_STATUSES],
    ['TemplateVersionStatus', enums.TemplateVersionStatus, TEMPLATE_VERSION_STATUSES],
    ['Role', enums.Role, ROLES],
  ])('%s', (_name, schemaEnum, domain) => {
    expect(Object.values(schemaEnum).sort()).toEqual([...domain].sort());
  });

  it('desired states are workspace statuses the worker can settle in', () => {
    expect(DESIRED_STATES.every((s) => (WORKSPACE_STATUSES as readonly string[]).includes(s))).toBe(true);
  });
});
