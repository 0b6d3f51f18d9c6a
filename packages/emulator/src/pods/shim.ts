/**
 * The tiny supervisor every pod command runs under (Perl, because perl-base is on every Debian
 * and Ubuntu machine and starts in ~2 ms with ~5 MB, where a Node helper would cost 40 MB per
 * running command).
 *
 * Why it exists:
 * - Inside bubblewrap the command is not our child, and bwrap reports a death by signal as exit
 *   code 128+N, so `exit-signal` would be lost. The shim waits for the command and writes the
 *   real wait status (`exit N` or `signal N CORE`) to the control socket.
 * - It runs as PID 1 of the pod's pid namespace (`--as-pid-1`), or as a child subreaper without
 *   a sandbox, reaps orphans, and stays alive while background jobs (`nohup … &`) run, as a
 *   container's init would; killing its process group then ends them all.
 * - Signal and window-change requests arrive on the control socket (`signal TERM`,
 *   `winch ROWS COLS`), so we never need the sandboxed process's host pid.
 *
 * File descriptors on entry: 3 = control socket, 4/5/6 = the command's stdin/stdout/stderr.
 * They are not bwrap's own stdio, so bwrap's monitor process does not hold the output pipes
 * open after the command is done. argv: `perl -e SHIM <plain|pty> <program> [args…]`.
 *
 * It runs once per command, so its start-up is the pod's per-exec cost: the plain path loads no
 * module at all. `use POSIX ()` alone costs ~17 ms of CPU, Fcntl ~4 ms and Config ~6 ms, where
 * Perl's own start is ~4 ms (measured on the bench machine, bench/findings.md, session 5). So
 * the fds are moved with Perl's own `open` (reopening STDIN/STDOUT/STDERR keeps fds 0/1/2), the
 * numeric constants are written out (F_SETFD 2, FD_CLOEXEC 1 and WNOHANG 1 are the same on
 * Linux and macOS), prctl's syscall number comes from Node's `process.arch` (the same machine
 * as /usr/bin/perl) instead of Perl's Config, and only pty mode loads POSIX (tcgetpgrp, the
 * open flags of the tty). `use strict` is left out too (~1 ms); a test compiles the source
 * under `-Mstrict -Mwarnings`.
 */
/** prctl(2)'s syscall number on Linux, by Node's `process.arch`; none elsewhere. */
const PRCTL_SYSCALL: Readonly<Partial<Record<string, number>>> = { x64: 157, arm64: 167 };

export function prctlSyscall(
  platform: string = process.platform,
  arch: string = process.arch,
): number | undefined {
  return platform === 'linux' ? PRCTL_SYSCALL[arch] : undefined;
}

const prctl = prctlSyscall();

export const SHIM_SOURCE = String.raw`
my $mode = shift @ARGV;
open(my $ctl, '+<&=', 3) or exit 125;
fcntl($ctl, 2, 1);
open(my $in, '<&=', 4) or exit 125;
open(my $out, '>&=', 5) or exit 125;
open(my $err, '>&=', 6) or exit 125;
require POSIX if $mode eq 'pty';
$SIG{$_} = 'IGNORE' for qw(HUP INT QUIT TERM PIPE USR1 USR2 ALRM);
$SIG{CHLD} = sub {};
# Outside a pid namespace, become a subreaper (prctl PR_SET_CHILD_SUBREAPER) so background
# jobs stay ours to wait for and to kill.
my $prctl = ${prctl ?? 'undef'};
syscall($prctl, 36, 1, 0, 0, 0) if $$ != 1 && defined $prctl;
my $child = fork();
if (!defined $child) { syswrite($ctl, "spawn-failed $!\n"); exit 125; }
if ($child == 0) {
  $SIG{$_} = 'DEFAULT' for qw(HUP INT QUIT TERM PIPE USR1 USR2 ALRM CHLD);
  open(STDIN, '<&', $in); open(STDOUT, '>&', $out); open(STDERR, '>&', $err);
  close($_) for $ctl, $in, $out, $err;
  { exec { $ARGV[0] } @ARGV; }
  syswrite(STDERR, "$ARGV[0]: $!\n");
  exit 127;
}
close($_) for $in, $out, $err;
sub pty_path {
  my $pid = $child;
  if (open(my $fh, '<', "/proc/$child/task/$child/children")) {
    my $line = <$fh>; $pid = $1 if defined $line && $line =~ /^(\d+)/;
  }
  open(my $st, '<', "/proc/$pid/stat") or return undef;
  my $stat = <$st>; $stat =~ s/^.*\)\s+//;
  my $tty = (split / /, $stat)[4];
  return undef unless $tty;
  my $major = ($tty >> 8) & 0xfff;
  my $minor = ($tty & 0xff) | (($tty >> 12) & 0xfff00);
  return undef unless $major >= 136 && $major <= 143;
  return '/dev/pts/' . (($major - 136) * 256 + $minor);
}
sub with_pty {
  my ($code) = @_;
  my $path = pty_path();
  return 0 unless defined $path;
  sysopen(my $tty, $path, POSIX::O_RDWR() | POSIX::O_NOCTTY()) or return 0;
  return $code->($tty);
}
sub handle_line {
  my ($line) = @_;
  if ($line =~ /^signal ([A-Z0-9]+)$/) {
    my $sig = $1;
    my $sent = 0;
    if ($mode eq 'pty') {
      $sent = with_pty(sub { my $pg = POSIX::tcgetpgrp(fileno($_[0])); return ($pg && $pg > 0) ? kill($sig, -$pg) : 0; });
    }
    kill($sig, $child) unless $sent;
  } elsif ($line =~ /^winch (\d+) (\d+)$/ && $mode eq 'pty') {
    my ($rows, $cols) = ($1, $2);
    with_pty(sub { ioctl($_[0], 0x5414, pack('S4', $rows, $cols, 0, 0)); 1 });
  }
}
my ($reported, $buf, $ctl_open) = (0, '', 1);
while (1) {
  my $pid;
  while (($pid = waitpid(-1, 1)) > 0) { # WNOHANG
    next unless $pid == $child && !$reported;
    my $st = $?;
    my $msg = ($st & 127) ? sprintf("signal %d %d\n", $st & 127, ($st & 128) ? 1 : 0) : sprintf("exit %d\n", $st >> 8);
    syswrite($ctl, $msg) if $ctl_open;
    $reported = 1;
  }
  last if $reported && $pid == -1;
  my $rin = '';
  vec($rin, fileno($ctl), 1) = 1 if $ctl_open;
  my $n = select(my $rout = $rin, undef, undef, 0.5);
  next unless $n && $n > 0;
  my $got = sysread($ctl, $buf, 4096, length $buf);
  if (!$got) { $ctl_open = 0; next; }
  while ($buf =~ s/^([^\n]*)\n//) { handle_line($1); }
}
exit 0;
`;
