/**
 * Secrets never shown: the values of the environment variables a pipeline or a task names
 * as secret, and of those whose names look secret, are replaced by `***` wherever stagerun
 * shows or writes text about a run. The run's events carry a masked view of each task, and
 * its output lines and reasons are masked before any sink sees them, so no sink can leak
 * one by accident.
 */
import picomatch from 'picomatch';
import type { Pipeline } from '../model/model.js';
import { DEFAULT_SECRET_NAMES } from '../model/secret-names.js';
import type { Plan, PlanTask } from '../plan/plan.js';
import { entry } from '../util/maps.js';
import type { RunEvent } from './events.js';

export { DEFAULT_SECRET_NAMES } from '../model/secret-names.js';
/** Shorter values are not masked: masking `ab` would garble every line that contains it. */
export const MIN_SECRET_LENGTH = 4;
export const MASK = '***';

export interface SecretValues {
  /** The values to mask, longest first. */
  readonly values: readonly string[];
  /** Secret variables whose values are too short to mask, by name. */
  readonly tooShort: readonly string[];
}

/**
 * The secret values in the environments the plan's tasks start with. The inherited
 * environment is looked at once, then each task's own variables and secret names: a plan of
 * 100,000 tasks must not test every inherited name 100,000 times.
 */
export function secretValues(plan: Plan, baseEnv: Readonly<Record<string, string | undefined>>): SecretValues {
  return collectSecrets(plan.pipeline, plan.tasks, baseEnv);
}

/** What a task contributes: its environment and the variables it names as secret. */
interface SecretHolder {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly settings: { readonly secrets: readonly string[] };
}

/**
 * The secret values a pipeline declares, from its declarations (before they are resolved, so
 * that a deployfile mistake that quotes one is masked too): what `secretValues()` finds in a
 * plan of all of it.
 */
export function declaredSecretValues(pipeline: Pipeline, baseEnv: Readonly<Record<string, string | undefined>>): SecretValues {
  // The shared environments once each; a task's own only where it has one (100,000 tasks must
  // not make 100,000 merged copies), merged where it names secrets that may live in a shared one.
  const none = { secrets: [] as readonly string[] };
  const holders: SecretHolder[] = [{ env: pipeline.env, settings: none }];
  for (const service of pipeline.services.values()) holders.push({ env: service.env, settings: none });
  for (const definition of pipeline.definitions()) {
    const { env, secrets } = definition.settings;
    if (secrets.length > 0) holders.push({ env: { ...pipeline.env, ...definition.service?.env, ...env }, settings: definition.settings });
    else if (Object.keys(env).length > 0) holders.push({ env, settings: none });
  }
  return collectSecrets(pipeline, holders, baseEnv);
}

/** Values of the variables whose names look secret by default: all that is known before a deployfile loads. */
export function environmentSecretValues(baseEnv: Readonly<Record<string, string | undefined>>): SecretValues {
  return collectSecrets({ secretNames: DEFAULT_SECRET_NAMES, secrets: [] }, [], baseEnv);
}

function collectSecrets(
  pipeline: { readonly secretNames: readonly string[]; readonly secrets: readonly string[] },
  tasks: readonly SecretHolder[],
  baseEnv: Readonly<Record<string, string | undefined>>,
): SecretValues {
  const matcher = picomatch([...pipeline.secretNames], { nocase: true });
  const verdicts = new Map<string, boolean>();
  const looksSecret = (name: string) => entry(verdicts, name, () => matcher(name));
  const values = new Set<string>();
  const tooShort = new Set<string>();
  const consider = (name: string, value: string | undefined) => {
    if (value === undefined || value === '') return;
    for (const line of value.split(/\r?\n/)) {
      if (line.length >= MIN_SECRET_LENGTH) values.add(line);
      else if (line.trim() !== '') tooShort.add(name);
    }
  };
  const pipelineSecrets = new Set(pipeline.secrets);
  const inherited = new Set<string>();
  for (const [name, value] of Object.entries(baseEnv)) {
    if (value === undefined || !(pipelineSecrets.has(name) || looksSecret(name))) continue;
    // Masked even where a task sets its own value for it: masking more is safe.
    consider(name, value);
    inherited.add(name);
  }
  for (const task of tasks) {
    for (const name of task.settings.secrets) if (!(name in task.env) && !inherited.has(name)) consider(name, baseEnv[name]);
    for (const [name, value] of Object.entries(task.env)) {
      if (pipelineSecrets.has(name) || task.settings.secrets.includes(name) || looksSecret(name)) consider(name, value);
    }
  }
  return { values: [...values].sort((a, b) => b.length - a.length), tooShort: [...tooShort].sort() };
}

/**
 * The forms a secret takes when a task prints it encoded, as GitHub Actions masks them: its
 * base64 (at each of the three alignments it can start at inside a longer encoded text, less
 * the characters it shares with its neighbours), its base64url, its URL encoding and its
 * JSON-escaped form. Forms shorter than the minimum are left out, as short values are.
 */
export function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    // Base64 writes 6 bits a character: those wholly within the secret's bits are its own.
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const stable = encoded.slice(Math.ceil((4 * offset) / 3), Math.floor((4 * (offset + bytes.length)) / 3));
    forms.add(stable);
    forms.add(stable.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  forms.add(encodeURIComponent(value));
  forms.add(JSON.stringify(value).slice(1, -1));
  forms.delete(value);
  return [...forms].filter((form) => form.length >= Math.max(MIN_SECRET_LENGTH, 6));
}

/** Replaces every secret value in a text, and each of its encoded forms, by `***`. */
export function masker(values: readonly string[]): (text: string) => string {
  if (values.length === 0) return (text) => text;
  const all = [...new Set([...values, ...values.flatMap(encodedForms)])].sort((a, b) => b.length - a.length);
  return (text) => {
    let masked = text;
    for (const value of all) if (masked.includes(value)) masked = masked.split(value).join(MASK);
    return masked;
  };
}

/** A pattern as it may be shown: a secret in its source becomes a literal `***`. */
function maskPattern(pattern: RegExp, mask: (text: string) => string): RegExp {
  const masked = mask(pattern.source);
  return masked === pattern.source ? pattern : new RegExp(masked.split(MASK).join('\\*\\*\\*'), pattern.flags);
}

/** A task as sinks may see it: its command, arguments, environment and description masked. */
export function maskTask(task: PlanTask, mask: (text: string) => string): PlanTask {
  const run =
    typeof task.run === 'string' ? mask(task.run) : Array.isArray(task.run) ? (task.run.map(mask) as unknown as PlanTask['run']) : task.run;
  const env = Object.fromEntries(Object.entries(task.env).map(([name, value]) => [name, value === undefined ? undefined : mask(value)]));
  // What --dry-run and the exports show of its settings: the approval question, the noChange pattern.
  const { approval, noChange } = task.settings;
  const settings =
    approval === undefined && noChange === undefined
      ? task.settings
      : {
          ...task.settings,
          approval: approval === undefined ? undefined : mask(approval),
          noChange: noChange === undefined ? undefined : maskPattern(noChange, mask),
        };
  return {
    ...task,
    run,
    env,
    settings,
    args: task.args.map(mask),
    description: task.description === undefined ? undefined : mask(task.description),
  };
}

/** The plan as sinks may see it (the same plan when there is nothing to mask). */
export function maskPlan(plan: Plan, mask: (text: string) => string, anything: boolean): Plan {
  if (!anything) return plan;
  const tasks = plan.tasks.map((task) => maskTask(task, mask));
  return {
    ...plan,
    tasks,
    stages: plan.stages.map((stage) => stage.map((task) => tasks[task.id]!)),
    order: plan.order.map((task) => tasks[task.id]!),
    byName: new Map(tasks.map((task) => [task.name, task])),
  };
}

/**
 * The event as sinks may see it: its task the masked view, its text masked. Applied to the
 * whole stream before any sink, so that none can leak a secret by accident.
 */
export function maskEvent(event: RunEvent, view: Plan, mask: (text: string) => string): RunEvent {
  switch (event.type) {
    case 'run-start':
      return { ...event, plan: view };
    case 'approval-wait':
      return { ...event, task: view.tasks[event.task.id]!, question: mask(event.question) };
    case 'approval-end':
      return { ...event, task: view.tasks[event.task.id]!, by: mask(event.by) };
    case 'task-start':
      return { ...event, task: view.tasks[event.task.id]! };
    case 'task-output':
      return { ...event, task: view.tasks[event.task.id]!, line: mask(event.line) };
    case 'task-retry':
      return { ...event, task: view.tasks[event.task.id]!, reason: mask(event.reason) };
    case 'task-end':
      return { ...event, task: view.tasks[event.task.id]!, reason: event.reason === null ? null : mask(event.reason) };
    case 'run-stopping':
      return { ...event, running: event.running.map((task) => view.tasks[task.id]!) };
    case 'run-end':
      return event;
  }
}

/** The plan as anything that shows it (`--dry-run`) may see it. */
export function shownPlan(plan: Plan, baseEnv: Readonly<Record<string, string | undefined>>): Plan {
  const { values } = secretValues(plan, baseEnv);
  return maskPlan(plan, masker(values), values.length > 0);
}
