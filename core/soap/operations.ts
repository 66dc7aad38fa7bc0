// DisnixWebService's interface (../shared/reference/dws.md): every operation with its
// parameters and result, as the Java class declares them. One table drives the envelope codec,
// the WSDL, the service's dispatch and the client. Three operations are ours, not the
// reference's: `lockAs`/`unlockAs` (a lock with its owner, so a stale lock can be told from a
// live one) and `queryStatus`; a client falls back to `lock`/`unlock` where they are unknown.

export const DWS_NAMESPACE = 'http://service.disnix.nixos.org';
/** Where the service answers; the second is the path of older releases (and the reference's README). */
export const DWS_PATHS = ['/DisnixWebService/services/DisnixWebService', '/DisnixService/services/DisnixService'];

export type SoapType = 'string' | 'string[]' | 'int' | 'boolean' | 'attachment' | 'attachment[]';

export interface SoapParam {
  name: string;
  type: SoapType;
}

export interface SoapOperation {
  name: string;
  params: SoapParam[];
  /** `int` for the reference's void methods: Axis2 answers 0. */
  returns: Exclude<SoapType, 'boolean'>;
  /** Not in the reference's interface. */
  ours?: true;
}

const p = (name: string, type: SoapType): SoapParam => ({ name, type });
const paths = [p('derivation', 'string[]')];
const activity = [p('derivation', 'string'), p('container', 'string'), p('type', 'string'), p('arguments', 'string[]')];
const component = [p('container', 'string'), p('component', 'string')];

export const OPERATIONS: SoapOperation[] = [
  { name: 'importm', params: [p('closure', 'string')], returns: 'int' },
  { name: 'importLocalFile', params: [p('file', 'attachment')], returns: 'int' },
  { name: 'export', params: paths, returns: 'string' },
  { name: 'exportRemoteFile', params: paths, returns: 'attachment' },
  { name: 'printInvalid', params: paths, returns: 'string[]' },
  { name: 'realise', params: paths, returns: 'string[]' },
  { name: 'queryRequisites', params: paths, returns: 'string[]' },
  { name: 'set', params: [p('profile', 'string'), p('derivation', 'string')], returns: 'int' },
  { name: 'queryInstalled', params: [p('profile', 'string')], returns: 'string[]' },
  { name: 'collectGarbage', params: [p('deleteOld', 'boolean')], returns: 'int' },
  ...['activate', 'deactivate', 'deleteState', 'snapshot', 'restore'].map((name): SoapOperation => ({ name, params: activity, returns: 'int' })),
  { name: 'lock', params: [p('profile', 'string')], returns: 'int' },
  { name: 'unlock', params: [p('profile', 'string')], returns: 'int' },
  { name: 'queryAllSnapshots', params: component, returns: 'string[]' },
  { name: 'queryLatestSnapshot', params: component, returns: 'string[]' },
  { name: 'printMissingSnapshots', params: [p('component', 'string[]')], returns: 'string[]' },
  { name: 'exportRemoteSnapshotPaths', params: [p('snapshot', 'string')], returns: 'string[]' },
  { name: 'exportRemoteSnapshots', params: [p('snapshot', 'string')], returns: 'attachment[]' },
  { name: 'importSnapshots', params: [...component, p('snapshots', 'string[]')], returns: 'int' },
  { name: 'importLocalSnapshots', params: [...component, p('snapshot', 'string'), p('files', 'attachment[]'), p('paths', 'string[]')], returns: 'int' },
  { name: 'resolveSnapshots', params: [p('snapshots', 'string[]')], returns: 'string[]' },
  { name: 'cleanSnapshots', params: [p('keep', 'int'), ...component], returns: 'int' },
  { name: 'captureConfig', params: [], returns: 'string' },
  { name: 'lockAs', params: [p('profile', 'string'), p('owner', 'string'), p('force', 'boolean')], returns: 'int', ours: true },
  { name: 'unlockAs', params: [p('profile', 'string'), p('owner', 'string'), p('force', 'boolean')], returns: 'int', ours: true },
  { name: 'queryStatus', params: [p('profile', 'string')], returns: 'string[]', ours: true },
];

/** The operation each agent operation on store or snapshot paths stands for. */
export const PATH_OPERATIONS = { 'print-invalid': 'printInvalid', realise: 'realise', 'query-requisites': 'queryRequisites', 'print-missing-snapshots': 'printMissingSnapshots', 'resolve-snapshots': 'resolveSnapshots' } as const;
/** The operation each component activity stands for. */
export const ACTIVITY_OPERATIONS = { activate: 'activate', deactivate: 'deactivate', 'delete-state': 'deleteState', snapshot: 'snapshot', restore: 'restore' } as const;

const byName = new Map(OPERATIONS.map((o) => [o.name, o]));

export function soapOperation(name: string): SoapOperation | undefined {
  return byName.get(name);
}

export const isArray = (t: SoapType) => t.endsWith('[]');
export const isAttachment = (t: SoapType) => t.startsWith('attachment');
