/**
 * The API's shapes, from the contract generated out of the server's code (libs/contract,
 * `npm run contract`): nothing here is written by hand, only named the way the portal reads them.
 */
import type { components } from '../../../../libs/contract/src/generated/openapi';

export { settlingStatuses, workspaceStatusValues } from '../../../../libs/contract/src/generated/openapi';
export type {
  AuditEvent,
  AuditPage,
  AuthProviders,
  Build,
  CreatedToken,
  LogLine,
  ParameterDefinition,
  PortShare,
  QueueJob,
  Role,
  RolloutImpact,
  Snapshot,
  SpecChanges,
  SpecProblem,
  SshKey,
  SshSettings,
  SystemInfo,
  Template,
  TemplateSpec,
  TemplateVersion,
  TemplateVersionStatus,
  TrashItem,
  TrashList,
  User,
  Workspace,
  WorkspacePort,
  WorkspaceStats,
  WorkspaceStatus,
} from '../../../../libs/contract/src/generated/openapi';

type Schemas = components['schemas'];
export type ValidationResult = Schemas['SpecValidation'];
export type StatusEvent = Schemas['WorkspaceStatusEvent'];
export type LogEvent = Schemas['WorkspaceLogEvent'];
export type NumberParameter = Extract<Schemas['ParameterDefinition'], { kind: 'number' }>;
export type ChoiceParameter = Extract<Schemas['ParameterDefinition'], { kind: 'choice' }>;
export type EnvParameter = Extract<Schemas['ParameterDefinition'], { kind: 'env' }>;
