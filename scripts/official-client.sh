#!/usr/bin/env bash
# Runs the official Python `lium` client (Datura-ai/lium, 0.0.25) through its whole renter
# workflow against a freshly started @lium/emulator, and fails on the first broken step.
#
#   scripts/official-client.sh [--pod-ssh ssh2|openssh] [--keep]
#
# Needs, none of it from the internet:
#   - LIUM_OFFICIAL_SRC: a source tree of Datura-ai/lium (the directory holding `lium/cli/cli.py`),
#     e.g. `git --git-dir=<mirror> archive HEAD | tar -x -C "$LIUM_OFFICIAL_SRC"`;
#   - Debian's python3 with the client's runtime deps:
#     apt-get install python3-requests python3-rich python3-click python3-paramiko \
#       python3-dotenv python3-pydantic python3-yaml python3-jwt
#   - ssh, scp, rsync on PATH; a built emulator (`pnpm exec turbo run build --filter=@lium/emulator`);
#   - for --pod-ssh openssh: root, /usr/sbin/sshd and bubblewrap.
# Exit status: 0 every step passed, 1 a step failed, 77 skipped (something above is missing).
#
# Not part of `pnpm test`: it needs the fetched client source. Everything it talks to is on
# 127.0.0.1. The only shim is for Debian 12's pydantic 1: the client's `provider` (miner) command
# imports pydantic 2's `field_validator` at start-up; the shim lets that import succeed, and no
# renter command uses pydantic. `fund` needs the `bittensor` library (not in Debian) and a chain,
# so the script drives the SDK calls `fund` makes to the Lium and pay APIs instead, with a stand-in
# wallet object.
set -uo pipefail

POD_SSH=ssh2
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pod-ssh) POD_SSH="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "official-client.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

REPO="$(cd "$(dirname "$0")/.." && pwd)"
PY="${LIUM_OFFICIAL_PYTHON:-/usr/bin/python3}"
SRC="${LIUM_OFFICIAL_SRC:-}"
skip() { echo "SKIP official-client: $*" >&2; exit 77; }

[ -n "$SRC" ] && [ -f "$SRC/lium/cli/cli.py" ] ||
  skip "set LIUM_OFFICIAL_SRC to a Datura-ai/lium source tree (the directory holding lium/cli/cli.py)"
[ -x "$PY" ] || skip "no $PY (set LIUM_OFFICIAL_PYTHON)"
"$PY" -c 'import requests, rich, click, paramiko, dotenv, pydantic, yaml, jwt' 2>/dev/null ||
  skip "python deps missing: apt-get install python3-requests python3-rich python3-click python3-paramiko python3-dotenv python3-pydantic python3-yaml python3-jwt"
for tool in ssh scp rsync ssh-keygen curl timeout; do
  command -v "$tool" >/dev/null || skip "$tool is not on PATH"
done
[ -f "$REPO/packages/emulator/dist/cli.js" ] ||
  skip "build the emulator first: npx -y pnpm@12.4.2 exec turbo run build --filter=@lium/emulator..."

WORK="$(mktemp -d /tmp/lium-official.XXXXXX)"
EMU_PID=""
cleanup() {
  [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null && wait "$EMU_PID" 2>/dev/null
  [ -n "${PF_PID:-}" ] && kill "$PF_PID" 2>/dev/null
  if [ "$KEEP" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- the emulator, as a user starts it -------------------------------------------------------
EMU_ARGS=(--ready-delay 1000 --write-env "$WORK/emu.env")
[ "$POD_SSH" = ssh2 ] || EMU_ARGS+=(--pod-ssh "$POD_SSH")
node "$REPO/packages/emulator/bin/lium-emulator.js" "${EMU_ARGS[@]}" >"$WORK/emulator.log" 2>&1 &
EMU_PID=$!
for _ in $(seq 1 150); do [ -s "$WORK/emu.env" ] && break; sleep 0.2; done
[ -s "$WORK/emu.env" ] || { echo "emulator did not start:"; cat "$WORK/emulator.log"; exit 1; }
set -a; . "$WORK/emu.env"; set +a

# --- a new user's machine: own HOME, one SSH key, the client run from its source tree -------
export HOME="$WORK/home"
mkdir -p "$HOME/.ssh" "$WORK/shim"
ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/id_ed25519"
cat >"$WORK/shim/sitecustomize.py" <<'EOF'
try:
    import pydantic
    if not hasattr(pydantic, "field_validator"):
        pydantic.field_validator = lambda *a, **k: (lambda f: f)
except Exception:
    pass
EOF
export PYTHONPATH="$WORK/shim:$SRC" LIUM_SELF_UPDATE_DISABLE=1 LIUM_PAY_URL="${LIUM_BASE_URL}/pay"
export SHELL=/bin/sh # its shell-completion installer writes to $HOME only
cd "$WORK"

lium() { "$PY" -c 'import sys; sys.argv[0] = "lium"; from lium.cli.cli import main; main()' "$@"; }

PASSED=0
FAILED=0
OUT=""
# step NAME EXPECTED-REGEX COMMAND...: runs COMMAND (stdin /dev/null, 180 s at most) and checks
# its output matches EXPECTED-REGEX (extended grep, case-sensitive).
step() {
  local name="$1" want="$2"; shift 2
  OUT="$(timeout 180 "$@" </dev/null 2>&1)"
  local rc=$?
  if [ $rc -ne 124 ] && grep -Eq -- "$want" <<<"$OUT"; then
    PASSED=$((PASSED + 1)); echo "ok   $name"
  else
    FAILED=$((FAILED + 1)); echo "FAIL $name (exit $rc; wanted /$want/)"; sed 's/^/     | /' <<<"$OUT" | tail -20
  fi
}
# yes_to STEP...: the same, answering "y" to every confirmation
yes_to() { local name="$1" want="$2"; shift 2; step "$name" "$want" sh -c 'yes | "$@"' sh "$@"; }
# pod_json HUID-or-name FIELD: one field of `lium ps --format json`
pod_field() {
  lium ps --format json 2>/dev/null | "$PY" -c '
import json, sys
for p in json.load(sys.stdin):
    if sys.argv[1] in (p["huid"], p["name"], p["id"]):
        v = p
        for k in sys.argv[2].split("."): v = v.get(k) if isinstance(v, dict) else None
        print("" if v is None else v)' "$1" "$2"
}
wait_running() {
  for _ in $(seq 1 120); do [ "$(pod_field "$1" status)" = RUNNING ] && return 0; sleep 1; done
  return 1
}
api() { curl -sf -H "X-API-KEY: $LIUM_API_KEY" "$LIUM_BASE_URL$1"; }
lium_bin() { cat >"$WORK/lium" <<EOF
#!/bin/sh
exec "$PY" -c 'import sys; sys.argv[0] = "lium"; from lium.cli.cli import main; main()' "\$@"
EOF
chmod +x "$WORK/lium"; }
lium_bin
L="$WORK/lium"

echo "official lium client from $SRC against $LIUM_BASE_URL (pods: $POD_SSH)"

# --- account and configuration ---------------------------------------------------------------
step "config set api.api_key" "" "$L" config set api.api_key "$LIUM_API_KEY"
step "init (key configured: sets up the SSH key)" '' "$L" init
step "config show" 'key_path' "$L" config show
step "balance" 'balance: [0-9]' "$L" balance
step "ssh-keys list (none yet)" 'No SSH keys' "$L" ssh-keys list

# --- the marketplace -------------------------------------------------------------------------
step "ls" 'Nodes +\([0-9]+ shown' "$L" ls
step "ls --gpu H100" '×H100' "$L" ls --gpu H100 --limit 5
step "ls --gpu A100 --count 2" '2×A100' "$L" ls --gpu A100 --count 2 --limit 5
step "ls --min-cuda 12.6" 'Nodes' "$L" ls --min-cuda 12.6 --limit 5
step "ls --lat/--lon/--max-distance" 'Nodes' "$L" ls --lat 52.5 --lon 13.4 --max-distance 2000 --limit 5
step "ls --sort price_gpu --format json" '"price_per_gpu_hour"' "$L" ls --sort price_gpu --limit 3 --format json
step "templates" 'daturaai/pytorch' "$L" templates
step "templates pytorch" 'Pytorch' "$L" templates pytorch

# --- volumes ---------------------------------------------------------------------------------
step "volumes new" "" "$L" volumes-command new vol-a --desc "first volume"
step "volumes list" 'vol-a' "$L" volumes-command list
VOL_HUID="$("$PY" -c 'import json,os; print(json.load(open(os.path.expanduser("~/.lium/last_volumes.json")))["volumes"][0]["huid"])')"

# --- renting ---------------------------------------------------------------------------------
step "ls --gpu A4000 (index cache for up)" 'A4000' "$L" ls --gpu A4000 --limit 5
step "up 1 (by index, default template, volume, ttl)" 'Warning: Permanently added|Pod|pod' \
  "$L" up 1 -y --name p1 --volume "id:$VOL_HUID" --ttl 3h
wait_running p1 && step "ps" 'RUNNING' "$L" ps
step "ps --format json" '"ssh_cmd": "ssh root@127\.0\.0\.1 -p [0-9]+"' "$L" ps --format json
step "schedules list (--ttl)" 'p1|Scheduled' "$L" schedules list

# A free internal port for the pod's own server (port-forward below): the pods share this
# machine's network, so a fixed one (8000, 8888) may already be taken here.
APP_PORT=$((30000 + RANDOM % 20000))
NODE_ID="$(lium ls --gpu A4000 --limit 5 --format json 2>/dev/null | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')"
# docker-run style: follows the pod's log until interrupted, so it runs with a deadline.
OUT="$(timeout 40 "$L" up "$NODE_ID" -y --name p2 --image python:3.11 --cmd "echo hello-from-cmd" \
  -e GREETING=hi --internal-ports "22,$APP_PORT" </dev/null 2>&1)"
if grep -q '^hello-from-cmd' <<<"$OUT" && grep -q 'Running startup commands' <<<"$OUT"; then PASSED=$((PASSED + 1)); echo "ok   up <node id> --image --cmd -e --internal-ports (the command's output streamed)";
else FAILED=$((FAILED + 1)); echo "FAIL up --image"; tail -20 <<<"$OUT" | sed 's/^/     | /'; fi
wait_running p2 && step "exec (template environment)" '^hi$' "$L" exec p2 'echo $GREETING'
step "ps: p2 maps its internal port" "\"$APP_PORT\": [0-9]+" "$L" ps --format json

printf 'FROM python:3.11\nRUN echo built\n' >"$WORK/Dockerfile"
step "up --gpu --dockerfile (auto-select)" 'Permanently added|Pod|pod' \
  "$L" up --gpu A4000 -y --name p3 --dockerfile "$WORK/Dockerfile" --until "tomorrow 01:00"
step "up --gpu --country -p --jupyter --volume new:" 'Permanently added|Pod|pod|Jupyter' \
  "$L" up --gpu H100 -p 2 -y --name p4 --jupyter --volume "new:name=vol-b,desc=second"
wait_running p3; wait_running p4
step "ps: p4 has a jupyter url" 'http://127\.0\.0\.1:[0-9]+/\?token=' "$L" ps --format json

# --- working on a pod ------------------------------------------------------------------------
step "exec" '^hello 4$' "$L" exec p1 'echo hello $((2+2))'
printf 'echo script says $WHO\n' >"$WORK/s.sh"
step "exec --script -e" 'script says world' "$L" exec p1 -e WHO=world --script "$WORK/s.sh"
step "exec all" 'Executing on' "$L" exec all 'true'
step "ssh with commands on stdin" 'via-ssh' sh -c 'printf "echo via-ssh\nexit\n" | "$0" ssh p1' "$L"
echo "payload $$" >"$WORK/up.txt"
step "scp upload (default ~)" '' "$L" scp p1 "$WORK/up.txt"
step "scp upload (path)" '' "$L" scp p1 "$WORK/up.txt" /workspace/up2.txt
step "scp: files are there" "^payload $$" "$L" exec p1 'cat ~/up.txt /workspace/up2.txt'
mkdir -p "$WORK/dl"
step "scp --download" '' "$L" scp p1 /root/up.txt "$WORK/dl" -d
step "scp --download: same bytes" "^payload $$" cat "$WORK/dl/up.txt"
mkdir -p "$WORK/tree/sub"; echo a >"$WORK/tree/a"; echo b >"$WORK/tree/sub/b"
step "rsync" '' "$L" rsync p1 "$WORK/tree" /root/tree
step "rsync: tree is there" 'tree/sub/b' "$L" exec p1 'find /root/tree -type f'
step "logs" 'Container started' "$L" logs p1
step "logs -n 1" '.' "$L" logs p1 -n 1
step "update --jupyter" 'Jupyter|jupyter' "$L" update p1 --jupyter 8888
# port-forward: a server the pod runs on an exposed internal port, reached through the client.
step "exec: start a server on an exposed port" 'started' "$L" exec p2 \
  "nohup python3 -m http.server $APP_PORT >/dev/null 2>&1 & sleep 1; echo started"
PF_PORT=$((20000 + RANDOM % 10000))
"$L" port-forward p2 "$APP_PORT" -l "$PF_PORT" </dev/null >"$WORK/pf.log" 2>&1 &
PF_PID=$!
for _ in $(seq 1 50); do grep -q Forwarding "$WORK/pf.log" && break; sleep 0.2; done
step "port-forward" 'Directory listing|<html' curl -s -m 10 "http://127.0.0.1:$PF_PORT/"
kill "$PF_PID" 2>/dev/null; PF_PID=""

# --- reboot ----------------------------------------------------------------------------------
step "reboot" '' "$L" reboot p1
wait_running p1; step "reboot keeps files" "^payload $$" "$L" exec p1 'cat ~/up.txt'
VOL_ID="$(api /volumes | "$PY" -c 'import json,sys; print([v["id"] for v in json.load(sys.stdin) if v["name"]=="vol-a"][0])')"
step "reboot --volume-id" '' "$L" reboot p1 --volume-id "$VOL_ID"
wait_running p1; step "after reboot --volume-id: running" 'RUNNING' "$L" ps

# --- backups ---------------------------------------------------------------------------------
step "bk set" 'Backup configured' "$L" bk set p1 --path /root --every 6h --keep 7d -y
step "bk show" 'path=/root' "$L" bk show p1
step "bk now" 'Backup started' "$L" bk now p1 -n pre-change -d "before the change"
sleep 3
step "bk logs" 'COMPLETED' "$L" bk logs p1
BK_ID="$(api /backup-logs | "$PY" -c 'import json,sys; d=json.load(sys.stdin); d=d.get("items", d) if isinstance(d, dict) else d; print(d[0]["id"])')"
step "bk logs --id" 'Status: COMPLETED' "$L" bk logs --id "$BK_ID"
step "exec: change a file" '' "$L" exec p1 'echo changed >~/up.txt'
step "bk restore" 'Restore started' "$L" bk restore p1 --id "$BK_ID" --to /root -y
sleep 3
step "bk restore-logs" 'COMPLETED' "$L" bk restore-logs p1
step "restore brought the file back" "^payload $$" "$L" exec p1 'cat ~/up.txt'
RS_ID="$(api "/pods/$(pod_field p1 id)/restore-logs" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); d=d.get("items", d) if isinstance(d, dict) else d; print(d[0]["id"])')"
step "bk restore-logs --id" 'Restore Path: /root' "$L" bk restore-logs --id "$RS_ID"
step "bk rm" 'removed' "$L" bk rm p1 -y
step "bk show (none)" 'No backup configuration' "$L" bk show p1

# --- schedules -------------------------------------------------------------------------------
yes_to "schedules rm 1" '' "$L" schedules rm 1
step "schedules list (cancelled)" '' "$L" schedules list
yes_to "rm --in 30m" '' "$L" rm p2 --in 30m
yes_to "rm --at" '' "$L" rm p3 --at "tomorrow 02:00"
step "schedules list (rm --at)" 'p3|[0-9]' "$L" schedules list
step "schedules list (rm --in)" 'p2|[0-9]\.[0-9]h|0\.5h' "$L" schedules list

# --- keys and money --------------------------------------------------------------------------
step "ssh-keys list (registered by up)" 'ssh-ed25519' "$L" ssh-keys list
ssh-keygen -q -t ecdsa -N '' -f "$HOME/.ssh/id_ecdsa"
step "ssh-keys sync" 'egister|match' "$L" ssh-keys sync
step "topup currencies" 'USDT' "$L" topup currencies
step "topup create" 'Deposit address' "$L" topup create -a 20 -c USDT -n tron
step "fund: the SDK's pay-API calls (stand-in wallet)" 'fund-sdk-ok' "$PY" -c '
from lium.sdk import Lium
class Key:
    def sign(self, data): return bytes(64)
class Pub: ss58_address = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
class Wallet: coldkey = Key(); coldkeypub = Pub()
lium = Lium()
app_id, customer = lium.add_wallet(Wallet())
assert Pub.ss58_address in [w.get("wallet_hash") for w in lium.wallets()], lium.wallets()
assert lium.company_wallet(app_id)
quote = lium.convert_alpha(5)
assert quote.alpha_amount > 0 and quote.netuid == 51, quote
print("fund-sdk-ok", lium.balance())'

# --- the SDK's calls the CLI does not make --------------------------------------------------
cat >"$WORK/sdk_check.py" <<'EOF_PY'
import os, sys, tempfile, time
from lium.sdk import Lium
lium = Lium()
failed = []
def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + "sdk " + name + ("" if cond else f" ({detail})"))
    if not cond: failed.append(name)
node = lium.ls(gpu_type="A4000")[0]
rented = lium.up(executor_id=node.id, name="sdk-pod")
pod_id = rented.get("id") or rented.get("pod_id")
pod = lium.wait_ready(pod_id, timeout=120, poll_interval=1)
check("up + wait_ready", pod is not None and pod.status == "RUNNING", pod)
result = lium.exec(pod, command="echo sdk-$((1+1))")
check("exec", result.get("stdout", "").strip() == "sdk-2", result)
chunks = "".join(c["data"] for c in lium.stream_exec(pod, command="echo a; echo b >&2"))
check("stream_exec", "a" in chunks and "b" in chunks, chunks)
with tempfile.TemporaryDirectory() as d:
    open(os.path.join(d, "f"), "w").write("sftp-bytes")
    lium.upload(pod, local=os.path.join(d, "f"), remote="/root/f")
    lium.download(pod, remote="/root/f", local=os.path.join(d, "g"))
    check("upload + download (SFTP)", open(os.path.join(d, "g")).read() == "sftp-bytes")
tpl = lium.create_template(name=f"sdk-{int(time.time())}", docker_image="python", docker_image_tag="3.12",
                           internal_ports=[22, 8000], startup_commands="echo from-template")
ready = lium.wait_template_ready(tpl.id, timeout=60)
check("create_template + wait_template_ready", ready is not None and ready.status == "VERIFY_SUCCESS", ready)
check("update_template", lium.update_template(tpl.id, name=tpl.name + "-x", docker_image="python",
                                              docker_image_digest="", docker_image_tag="3.12") is not None)
check("get_template_by_image_name", lium.get_template_by_image_name("python", "3.12") is not None)
try:
    lium.switch_template(pod, template_id=tpl.id)
except TypeError as error:  # 0.0.25 builds ExecutorInfo without `ip` (client bug, see docs/lium-api.md 2.4.2)
    print("note sdk switch_template: client-side", error)
pod = lium.wait_ready(pod_id, timeout=120, poll_interval=1)
check("switch_template", pod is not None and pod.template.get("docker_image") == "python", pod)
edited = lium.edit(pod_id, startup_commands="echo edited")
check("edit (PUT the pod's template)", edited.get("startup_commands") == "echo edited", edited)
vol = lium.volume_create(name="sdk-vol", description="d")
check("volume_update + volume", lium.volume_update(vol.id, name="sdk-vol-2").name == "sdk-vol-2"
      and lium.volume(vol.id).name == "sdk-vol-2")
lium.volume_delete(vol.id)
check("volume_delete", all(v.id != vol.id for v in lium.volumes()))
check("get_deployment_estimate", "estimated_seconds" in lium.get_deployment_estimate(node.id, tpl.id))
check("gpu_types", len(lium.gpu_types()) > 0)
lium.down(lium.pod(pod_id) and [p for p in lium.ps() if p.id == pod_id][0])
check("down", all(p.id != pod_id for p in lium.ps()))
print("sdk-all-ok" if not failed else "sdk failures: " + ", ".join(failed))
EOF_PY
step "SDK: up, exec, stream_exec, SFTP, templates, switch, edit, volumes, estimate, down" 'sdk-all-ok' \
  "$PY" "$WORK/sdk_check.py"

# --- cleaning up -----------------------------------------------------------------------------
yes_to "rm p3" '' "$L" rm p3
step "volumes list (vol-b attached)" 'vol-b' "$L" volumes-command list
yes_to "rm --all" '' "$L" rm --all
step "ps (none left)" 'No active pods' "$L" ps
step "volumes list" 'vol-a' "$L" volumes-command list
step "volumes rm 1" '' "$L" volumes-command rm 1 -y
step "balance was billed" 'balance: [0-9]' "$L" balance

# --- what the client asked that the emulator refused -----------------------------------------
curl -s "$LIUM_EMULATOR_CONTROL_URL/requests" | "$PY" -c '
import json, sys
bad = [r for r in json.load(sys.stdin) if not isinstance(r["outcome"], int) or r["outcome"] >= 500
       or (r["outcome"] >= 400 and not r["path"].startswith("/backup-configs/pod/"))]
for r in bad: print("     |", r["method"], r["path"], r.get("query"), r["outcome"])
sys.exit(1 if bad else 0)' && { PASSED=$((PASSED + 1)); echo "ok   no refused or failed API calls"; } ||
  { FAILED=$((FAILED + 1)); echo "FAIL the emulator refused calls above"; }

echo "official-client ($POD_SSH pods): $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
