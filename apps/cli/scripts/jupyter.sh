#!/usr/bin/env bash
# Starts Jupyter on this machine (a Lium pod) in the background and prints its URL with the token.
#
#   lium exec 1 --script @jupyter          # or: lium jupyter 1
#
# It prefers a Jupyter that is already installed (JupyterLab, then Notebook, then Jupyter Server)
# and installs only what is missing: uv (if absent), a venv, JupyterLab and ipywidgets. Run it
# twice and the second run reports the running server instead of starting another.
#
# Settings (environment): JUPYTER_PORT (default 20000), JUPYTER_PUBLIC_HOST / JUPYTER_PUBLIC_PORT
# (the address the URL should use; `lium jupyter` passes the pod's public IP and mapped port),
# JUPYTER_STATE_DIR (default ~/.lium-jupyter), JUPYTER_ROOT_DIR (default /workspace or $HOME).
#
# Output: human lines, then `JUPYTER_STATE=started|running`, `JUPYTER_URL=…` and `JUPYTER_PID=…`.
set -euo pipefail

PORT="${JUPYTER_PORT:-20000}"
STATE_DIR="${JUPYTER_STATE_DIR:-$HOME/.lium-jupyter}"
VENV="$STATE_DIR/venv"
PID_FILE="$STATE_DIR/jupyter.pid"
TOKEN_FILE="$STATE_DIR/token"
KIND_FILE="$STATE_DIR/kind"
LOG_FILE="$STATE_DIR/jupyter.log"
if [ -n "${JUPYTER_ROOT_DIR:-}" ]; then ROOT_DIR="$JUPYTER_ROOT_DIR"
elif [ -d /workspace ] && [ -w /workspace ]; then ROOT_DIR=/workspace
else ROOT_DIR="$HOME"; fi

case "$PORT" in '' | *[!0-9]*) echo "JUPYTER_PORT must be a port number" >&2; exit 2 ;; esac

umask 077
mkdir -p "$STATE_DIR"

log() { printf '%s\n' "$*" >&2; }

# True when a Jupyter with our token answers on the port.
answers() {
  local url="http://127.0.0.1:$PORT/api/status"
  local token="$1"
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 3 -H "Authorization: token $token" "$url" 2>/dev/null
  else
    python3 - "$url" "$token" <<'PY' 2>/dev/null
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], headers={"Authorization": "token " + sys.argv[2]})
urllib.request.urlopen(req, timeout=3)
PY
  fi
}

public_host() {
  if [ -n "${JUPYTER_PUBLIC_HOST:-}" ]; then printf '%s' "$JUPYTER_PUBLIC_HOST"; return; fi
  local ip
  ip="$(hostname -I 2>/dev/null | awk '{print $1}')" || true
  printf '%s' "${ip:-127.0.0.1}"
}

report() {
  local state="$1" token="$2" kind="$3" pid="$4" path
  case "$kind" in lab) path=/lab ;; notebook) path=/tree ;; *) path=/api/status ;; esac
  local url="http://$(public_host):${JUPYTER_PUBLIC_PORT:-$PORT}$path?token=$token"
  if [ "$state" = running ]; then log "Jupyter is already running (pid $pid) on port $PORT."
  else log "Jupyter started (pid $pid) on port $PORT; log: $LOG_FILE"; fi
  printf 'JUPYTER_STATE=%s\nJUPYTER_URL=%s\nJUPYTER_PID=%s\n' "$state" "$url" "$pid"
}

# 1. Already running (our token answers on the port): say so and stop here. The port, not the
#    pid, decides: the server may run in another process namespace than this shell.
if [ -s "$TOKEN_FILE" ]; then
  token="$(cat "$TOKEN_FILE")"
  if answers "$token"; then
    report running "$token" "$(cat "$KIND_FILE" 2>/dev/null || echo lab)" "$(cat "$PID_FILE" 2>/dev/null || echo '?')"
    exit 0
  fi
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  log "Port $PORT is taken by another program (not a Jupyter started by this script)."
  log "Stop it, or choose another port with JUPYTER_PORT."
  exit 1
fi

# 2. Find a Jupyter, best first; install JupyterLab only when there is none.
KIND=""
CMD=()
find_jupyter() {
  local lab
  for lab in "$VENV/bin/jupyter-lab" "$(command -v jupyter-lab 2>/dev/null || true)"; do
    if [ -n "$lab" ] && [ -x "$lab" ]; then KIND=lab; CMD=("$lab"); return 0; fi
  done
  if command -v jupyter-notebook >/dev/null 2>&1; then
    KIND=notebook
    CMD=("$(command -v jupyter-notebook)")
    return 0
  fi
  if python3 -c 'import jupyter_server' >/dev/null 2>&1; then
    KIND=server
    CMD=(python3 -m jupyter_server)
    return 0
  fi
  return 1
}

install_jupyterlab() {
  log "No Jupyter found: installing JupyterLab into $VENV"
  if ! command -v uv >/dev/null 2>&1 && [ ! -x "$HOME/.local/bin/uv" ]; then
    log "Installing uv"
    if command -v curl >/dev/null 2>&1; then
      curl -LsSf https://astral.sh/uv/install.sh | sh >&2
    else
      python3 -m pip install --user --quiet uv >&2
    fi
  fi
  local uv
  uv="$(command -v uv 2>/dev/null || echo "$HOME/.local/bin/uv")"
  "$uv" venv --quiet "$VENV" >&2
  "$uv" pip install --quiet --python "$VENV/bin/python" jupyterlab ipywidgets >&2
}

if ! find_jupyter; then
  install_jupyterlab
  find_jupyter || { log "JupyterLab did not install; see the lines above"; exit 1; }
fi

# 3. Start it in the background. The token travels in the environment, never in argv.
token="$(python3 -c 'import secrets; print(secrets.token_hex(24))' 2>/dev/null ||
  od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$token" >"$TOKEN_FILE"
printf '%s' "$KIND" >"$KIND_FILE"

if [ "$KIND" = notebook ] && [ "$("${CMD[0]}" --version 2>/dev/null | cut -d. -f1)" -lt 7 ] 2>/dev/null; then
  APP=NotebookApp
  DIR_OPTION="--NotebookApp.notebook_dir=$ROOT_DIR"
else
  APP=ServerApp
  DIR_OPTION="--ServerApp.root_dir=$ROOT_DIR"
fi

JUPYTER_TOKEN="$token" nohup setsid "${CMD[@]}" \
  "--$APP.ip=0.0.0.0" "--$APP.port=$PORT" "--$APP.port_retries=0" \
  "--$APP.open_browser=False" "--$APP.allow_root=True" "$DIR_OPTION" \
  </dev/null >"$LOG_FILE" 2>&1 &
pid=$!
printf '%s' "$pid" >"$PID_FILE"

# 4. Wait until it answers (60 s), or show why not.
for _ in $(seq 1 120); do
  if answers "$token"; then
    report started "$token" "$KIND" "$pid"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.5
done
log "Jupyter did not come up on port $PORT. The end of its log:"
tail -n 20 "$LOG_FILE" >&2 || true
kill "$pid" 2>/dev/null || true
rm -f "$PID_FILE"
exit 1
