/**
 * The script `lium completion` prints: it calls the hidden `lium __complete <words…>` on every
 * Tab (see completion.ts).
 */

const BASH = `###-begin-lium-completions-###
# lium completion for bash: add \`eval "$(lium completion bash)"\` to ~/.bashrc
_lium_completions() {
  local IFS=$'\\n'
  COMPREPLY=( $(lium __complete "\${COMP_WORDS[@]:1:$COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _lium_completions lium
###-end-lium-completions-###
`;

const ZSH = `#compdef lium
###-begin-lium-completions-###
# lium completion for zsh: add \`eval "$(lium completion zsh)"\` to ~/.zshrc
_lium() {
  local -a candidates
  candidates=("\${(@f)$(lium __complete "\${(@)words[2,$CURRENT]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then
    compadd -- "\${candidates[@]}"
  else
    _files
  fi
}
if [[ "\${zsh_eval_context[-1]}" == "loadautofunc" ]]; then _lium "$@"; else compdef _lium lium; fi
###-end-lium-completions-###
`;

const FISH = `###-begin-lium-completions-###
# lium completion for fish: add \`lium completion fish | source\` to ~/.config/fish/config.fish
function __lium_complete
    set -l before (commandline -opc)
    set -l current (commandline -ct)
    lium __complete $before[2..-1] "$current" 2>/dev/null
end
complete -c lium -a '(__lium_complete)'
###-end-lium-completions-###
`;

export function completionScript(
  shell: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const login = env.SHELL ?? '';
  const wanted =
    shell ?? (login.endsWith('zsh') ? 'zsh' : login.endsWith('fish') ? 'fish' : 'bash');
  return wanted === 'zsh' ? ZSH : wanted === 'fish' ? FISH : BASH;
}
