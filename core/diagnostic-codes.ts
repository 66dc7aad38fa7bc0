// Every diagnostic the engine reports, once: its code, its severity and what it means. The
// analysis, the quick fixes, the `disnix.diagnostics.ignore` setting and the user guide's table
// all follow this catalogue (a test checks the last two against it).

export type Severity = 'error' | 'warning' | 'information' | 'hint';

interface CodeInfo {
  severity: Severity;
  /** One sentence: what the diagnostic means (the setting's description of the code). */
  summary: string;
}

export const DIAGNOSTIC_CODES = {
  'syntax-error': { severity: 'error', summary: 'The file is not valid Nix; the message says what was expected where.' },
  'undefined-variable': { severity: 'error', summary: 'A name no enclosing scope binds.' },
  'eval-error': { severity: 'error', summary: 'Evaluation failed (a throw, a type error, a missing attribute...), located where it arose.' },
  'invalid-model': { severity: 'error', summary: 'A model file, a target or a service is not an attribute set.' },
  'unknown-service': { severity: 'error', summary: 'The distribution maps, or a service depends on, a service the services model lacks.' },
  'unknown-target': { severity: 'error', summary: 'A mapping or the packages model names a target the infrastructure model lacks.' },
  'name-missing': { severity: 'error', summary: 'A service has no name.' },
  'name-mismatch': { severity: 'error', summary: "A service's name differs from its attribute name." },
  'type-missing': { severity: 'error', summary: 'A service has no type.' },
  'pkg-missing': { severity: 'error', summary: 'A service has no pkg, so it cannot be built.' },
  'unknown-type': { severity: 'warning', summary: 'The type is not a Dysnomia module, a path, or a container some service provides.' },
  'dependency-not-distributed': { severity: 'error', summary: 'A dependsOn or connectsTo dependency is deployed nowhere, so the dependent cannot be built.' },
  'dependency-on-package': { severity: 'error', summary: 'A service depends on a service of type package.' },
  'dependency-cycle': { severity: 'error', summary: 'A cycle through dependsOn and activatesAfter.' },
  'unknown-container': { severity: 'hint', summary: 'A mapping names a container its target does not declare and no service on it provides: Dysnomia runs the module with no container properties.' },
  'target-property-missing': { severity: 'error', summary: 'A target lacks the property its targetProperty names (hostname by default).' },
  'invalid-num-of-cores': { severity: 'error', summary: 'numOfCores is not a positive integer.' },
  'duplicate-target-address': { severity: 'warning', summary: 'Two targets have the same connection address: Disnix takes them for one machine, and deploys what is mapped to the later one to the first.' },
  'invalid-mapping': { severity: 'error', summary: 'A distribution entry is neither a list of targets nor { targets = [ { target; container; } ]; }.' },
  'misspelt-attribute': { severity: 'warning', summary: 'A near miss of an attribute the deployment is made of (dependsOn, connectsTo, activatesAfter, pkg, type, targets, properties, containers): what it says is not used.' },
  'unknown-attribute': { severity: 'hint', summary: 'A near miss of another attribute Disnix knows (deployState, numOfCores, ...).' },
  'service-not-distributed': { severity: 'hint', summary: 'A service with no entry in the distribution.' },
  'build-error': { severity: 'error', summary: "A service's pkg could not be evaluated with its inter-dependencies." },
  'unavailable-path': { severity: 'information', summary: 'A path outside the models that is not on this machine (another checkout): what is built from it is not checked.' },
  'file-too-large': { severity: 'information', summary: 'A model file larger than disnix.maxFileSize, which is not evaluated.' },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function severityOf(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code].severity;
}

export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.hasOwn(DIAGNOSTIC_CODES, code);
}
