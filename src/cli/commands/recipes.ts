import { declarations as methods } from '../../core/methods/declarations';
import { GOALS, RECIPE_VERSION } from '../../core/recipe';
import type { OptionField } from '../../core/methods/types';
import { COMMON_OPTIONS, parseCommandArgs, requirePositionals } from '../args';
import type { Command } from '../command';
import { COMMAND_HELP } from '../help';
import { EXIT } from '../exit-codes';
import { formatTable } from '../format';
import { toJson } from '../json';

const NAME = 'recipes' as const;

/** What values an option takes, in words: the range, the choices or the kind. */
function accepts(f: OptionField): string {
  switch (f.kind) {
    case 'number': {
      const kind = f.integer ? 'integer' : 'number';
      if (f.min !== undefined && f.max !== undefined) return `${kind} ${f.min}..${f.max}`;
      if (f.min !== undefined) return `${kind} >= ${f.min}`;
      return f.max !== undefined ? `${kind} <= ${f.max}` : kind;
    }
    case 'boolean':
      return 'true|false';
    case 'enum':
      return f.choices.join('|');
    case 'string-list':
      return f.choices ? `list of ${f.choices.join('|')}` : 'list (a|b|c)';
  }
}

/** How per-layer overrides are written, for `recipes` and `recipes --json`. */
const OVERRIDES_DOC = {
  grammar: "<nodes>=float or <nodes>=<method>[:key=value,...]; <nodes> is an exact node name, a glob (* and ?) or /regex/flags",
  json: '"overrides": [{ "nodes": "<name|glob|/regex/>", "method": "<method id>" | "float", "options": { ... } }]',
  semantics:
    "The first override matching a node wins. Recipe steps leave that node alone unless they run the override's method with the same options; 'float' keeps it float; any other method runs as an extra step after the recipe's, on the override's nodes only.",
  examples: ["--override 'conv_1*=float'", "--override 'head=int4:block=32'"],
} as const;

/** Every method with its options, defaults and ranges, straight from the declarations the studio's form uses too. */
export const recipesCommand: Command = {
  async run(argv, env) {
    const { values, positionals } = parseCommandArgs(NAME, argv, COMMON_OPTIONS);
    if (values.help) {
      env.stdout(COMMAND_HELP[NAME].usage);
      return EXIT.ok;
    }
    requirePositionals(NAME, positionals, []);
    if (values.json) {
      env.stdout(
        toJson({
          recipeVersion: RECIPE_VERSION,
          methods: methods.map((m) => ({
            id: m.id,
            label: m.label,
            description: m.description,
            family: m.family,
            backends: m.backends ?? null,
            needsTeacher: m.needsTeacher,
            streamsTensors: m.streamsTensors,
            options: m.options,
          })),
          overrides: OVERRIDES_DOC,
          goals: GOALS,
        }),
      );
      return EXIT.ok;
    }
    for (const m of methods) {
      const cpuOnly = m.backends && !m.backends.includes('webgpu') ? ' (CPU only)' : '';
      env.stdout(`${m.id}${cpuOnly}: ${m.label} (${m.family})\n  ${m.description}\n`);
      env.stdout(
        formatTable(
          ['option', 'default', 'accepts', 'meaning'],
          m.options.map((f) => [f.key, (Array.isArray(f.default) ? f.default.join('|') : String(f.default)) || '(none)', accepts(f), f.help ?? f.label]),
        )
          .split('\n')
          .map((line) => `  ${line}`)
          .join('\n'),
      );
      env.stdout('');
    }
    env.stdout("Write a recipe as steps joined by '+', each name[:key=value,...]; lists use '|'. Example: int8-weight:perChannel=false+fp16-weight");
    env.stdout(`Per-layer overrides (compress --override, repeatable): ${OVERRIDES_DOC.grammar}. ${OVERRIDES_DOC.semantics} Example: ${OVERRIDES_DOC.examples.join(' ')}`);
    env.stdout('\nGoals (compress --goal <id>): named starting recipes.');
    env.stdout(formatTable(['goal', 'recipe', 'why'], GOALS.map((g) => [g.id, g.recipe, g.why])));
    return EXIT.ok;
  },
};
