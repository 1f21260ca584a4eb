import { type Command } from 'commander';
import { CliFailure, EXIT } from '../exit-codes.js';

/** Commands and their subcommands, read from the program itself so completion never drifts. */
function tree(program: Command): { name: string; subcommands: string[]; options: string[] }[] {
  return program.commands.map((c) => ({
    name: c.name(),
    subcommands: c.commands.map((s) => s.name()),
    options: [...c.options, ...c.commands.flatMap((s) => s.options)].map((o) => o.long ?? '').filter(Boolean),
  }));
}

export function bashCompletion(program: Command): string {
  const entries = tree(program);
  const cases = entries
    .map((e) => `    ${e.name}) words="${[...e.subcommands, ...new Set(e.options)].join(' ')}" ;;`)
    .join('\n');
  return `# berth completion for bash: eval "$(berth completion bash)"
_berth() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" words
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${entries.map((e) => e.name).join(' ')} --json --help"
  else
    case "\${COMP_WORDS[1]}" in
${cases}
    *) words="--json --help" ;;
    esac
  fi
  COMPREPLY=( $(compgen -W "$words --json" -- "$cur") )
}
complete -F _berth berth
`;
}

export function zshCompletion(program: Command): string {
  const entries = tree(program);
  const top = entries.map(
    (e) => `'${e.name}:${(program.commands.find((c) => c.name() === e.name)?.description() ?? '').replace(/'/g, '')}'`,
  );
  const cases = entries
    .filter((e) => e.subcommands.length > 0 || e.options.length > 0)
    .map(
      (e) =>
        `      ${e.name}) _values 'berth ${e.name}' ${[...e.subcommands, ...new Set(e.options)].map((w) => `'${w}'`).join(' ')} ;;`,
    )
    .join('\n');
  return `#compdef berth
# berth completion for zsh: berth completion zsh > "\${fpath[1]}/_berth" (or eval "$(berth completion zsh)")
_berth() {
  if (( CURRENT == 2 )); then
    local -a cmds
    cmds=(${top.join(' ')})
    _describe 'berth command' cmds
  else
    case "$words[2]" in
${cases}
    esac
  fi
}
compdef _berth berth 2>/dev/null || true
`;
}

export function registerCompletion(program: Command): void {
  program
    .command('completion <shell>')
    .description('print a completion script for bash or zsh')
    .action((shell: string) => {
      if (shell === 'bash') process.stdout.write(bashCompletion(program));
      else if (shell === 'zsh') process.stdout.write(zshCompletion(program));
      else throw new CliFailure('completion: bash or zsh', EXIT.usage);
    });
}
