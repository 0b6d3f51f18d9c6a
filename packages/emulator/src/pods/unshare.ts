/**
 * The pod layout without bubblewrap: util-linux `unshare` makes the namespaces (user with the
 * caller mapped to root, mount, pid, uts, ipc) and a small setup step inside them builds the
 * same view bubblewrap builds: a tmpfs root holding read-only binds of the host's top-level
 * entries, the pod's own /root, /workspace and /tmp bound over them, the emulator's data
 * directories hidden behind empty tmpfs, a fresh /proc (the host's when the kernel refuses
 * one, as in some containers), the host's /dev, the pod id as hostname, then `chroot` and
 * `cd /root`.
 *
 * The setup is Perl (direct mount(2) calls, ~5 ms) prepended to the shim, so the shim becomes
 * PID 1 of the pod's pid namespace exactly as under bwrap's `--as-pid-1`. Without Perl the
 * same steps run as a POSIX shell script calling mount(8) and chroot(8) (slower, same files,
 * but no pid namespace: see UNSHARE_OPTIONS_SH).
 *
 * argv after the program: NEWROOT DATADIR HOSTNAME HIDDEN_COUNT HIDDEN… then the command.
 */

/**
 * unshare(1) options for the Perl setup: the namespaces, without `--fork`. unshare would stay
 * behind as the parent and hold the command's output pipes open while background jobs run, so
 * the setup forks the pid namespace's PID 1 itself and closes them in the parent.
 */
export const UNSHARE_OPTIONS = [
  '--user',
  '--map-root-user',
  '--mount',
  '--pid',
  '--uts',
  '--ipc',
] as const;

/**
 * For the sh setup (no Perl): no pid namespace, since `--fork` would keep that parent around
 * (see above); the pod then sees the host's process list.
 */
export const UNSHARE_OPTIONS_SH = [
  '--user',
  '--map-root-user',
  '--mount',
  '--uts',
  '--ipc',
] as const;

export const UNSHARE_SETUP_PERL = String.raw`
use strict;
use POSIX ();
{
  my ($nr, $data, $hostname, $nhidden) = splice(@ARGV, 0, 4);
  my @hidden = splice(@ARGV, 0, $nhidden);
  require Config;
  my $arch = (split /-/, $Config::Config{archname})[0];
  my $calls = { 'x86_64' => [165, 170, 157], 'aarch64' => [40, 161, 167] }->{$arch};
  my $die = sub { syswrite(STDERR, "pod sandbox (unshare): $_[0]: $!\n"); POSIX::_exit(125); };
  $die->("unsupported architecture $arch") unless $calls;
  my ($SYS_mount, $SYS_sethostname, $SYS_prctl) = @$calls;
  # The first child is PID 1 of the new pid namespace. The parent keeps only what it needs to
  # pass on the exit status: never the command's stdio (4-6) or the control socket (3).
  my $init = fork();
  $die->('fork') unless defined $init;
  if ($init) {
    POSIX::close($_) for 3 .. 6;
    $SIG{$_} = 'IGNORE' for qw(HUP INT QUIT TERM PIPE USR1 USR2 ALRM);
    waitpid($init, 0);
    my $st = $?;
    if ($st & 127) { $SIG{$_} = 'DEFAULT' for qw(HUP INT QUIT TERM PIPE USR1 USR2 ALRM); kill($st & 127, $$); }
    POSIX::_exit(($st >> 8) & 255);
  }
  syscall($SYS_prctl, 1, 9, 0, 0, 0); # PR_SET_PDEATHSIG SIGKILL: go when the parent goes
  my ($RDONLY, $NOSUID, $NODEV, $NOEXEC, $REMOUNT, $NOATIME, $NODIRATIME, $BIND, $REC, $RELATIME, $STRICTATIME) =
    (1, 2, 4, 8, 32, 1024, 2048, 4096, 16384, 1 << 21, 1 << 24);
  my $mount = sub {
    my ($src, $dst, $type, $flags, $opts) = @_;
    return syscall($SYS_mount, $src, $dst, defined $type ? $type : 0, $flags, defined $opts ? $opts : 0) == 0;
  };
  # A read-only remount must keep the flags the kernel locked on the original mount.
  my $locked = sub {
    my ($target) = @_;
    open(my $mi, '<', '/proc/self/mountinfo') or return 0;
    my $opts;
    while (my $line = <$mi>) {
      my @f = split / /, $line;
      $opts = $f[5] if defined $f[4] && $f[4] eq $target;
    }
    return 0 unless defined $opts;
    my %map = (nosuid => $NOSUID, nodev => $NODEV, noexec => $NOEXEC, noatime => $NOATIME,
               nodiratime => $NODIRATIME, relatime => $RELATIME, strictatime => $STRICTATIME);
    my $flags = 0;
    $flags |= ($map{$_} // 0) for split /,/, $opts;
    return $flags;
  };
  my $bind_ro = sub {
    my ($src, $dst) = @_;
    $mount->($src, $dst, undef, $BIND | $REC, undef) or $die->("bind $src");
    $mount->('none', $dst, undef, $REMOUNT | $BIND | $RDONLY | $locked->($dst), undef)
      or $die->("read-only $src");
  };
  $mount->('lium-pod', $nr, 'tmpfs', $NOSUID | $NODEV, 'mode=0755') or $die->("tmpfs root");
  opendir(my $dh, '/') or $die->('read /');
  my %replaced = map { $_ => 1 } qw(. .. proc dev root workspace tmp);
  for my $name (sort grep { !$replaced{$_} } readdir($dh)) {
    my $path = "/$name";
    if (-l $path) {
      symlink(readlink($path), "$nr/$name") or $die->("link $path");
    } elsif (-d $path) {
      mkdir("$nr/$name") or $die->("mkdir $path");
      $bind_ro->($path, "$nr/$name");
    } elsif (-e $path) {
      open(my $fh, '>', "$nr/$name") or $die->("create $path");
      close($fh);
      $bind_ro->($path, "$nr/$name");
    }
  }
  closedir($dh);
  for my $dir (qw(root workspace tmp)) {
    mkdir("$nr/$dir") or $die->("mkdir /$dir");
    $mount->("$data/$dir", "$nr/$dir", undef, $BIND | $REC, undef) or $die->("bind /$dir");
  }
  mkdir("$nr/dev") or $die->('mkdir /dev');
  $mount->('/dev', "$nr/dev", undef, $BIND | $REC, undef) or $die->('bind /dev');
  mkdir("$nr/proc") or $die->('mkdir /proc');
  $mount->('proc', "$nr/proc", 'proc', $NOSUID | $NODEV | $NOEXEC, undef)
    or $mount->('/proc', "$nr/proc", undef, $BIND | $REC, undef)
    or $die->('mount /proc');
  for my $dir (@hidden) {
    next unless -d "$nr$dir";
    $mount->('lium-hidden', "$nr$dir", 'tmpfs', $NOSUID | $NODEV, 'mode=0755') or $die->("hide $dir");
  }
  syscall($SYS_sethostname, $hostname, length($hostname));
  chroot($nr) or $die->('chroot');
  chdir('/root') or $die->('cd /root');
}
`;

/**
 * The same steps in POSIX sh with mount(8) and chroot(8), for machines without Perl; ends by
 * moving fds 4/5/6 to 0/1/2 like the no-shim wrapper in process.ts.
 */
export const UNSHARE_SETUP_SH = String.raw`
set -e
nr=$1; data=$2; host=$3; n=$4; shift 4
fail() { echo "pod sandbox (unshare): $1" >&2; exit 125; }
mount -t tmpfs -o mode=0755,nosuid,nodev lium-pod "$nr" || fail "tmpfs root"
for path in /* /.[!.]*; do
  [ -e "$path" ] || [ -L "$path" ] || continue
  name=${'$'}{path#/}
  case "$name" in proc|dev|root|workspace|tmp) continue ;; esac
  if [ -L "$path" ]; then ln -s "$(readlink "$path")" "$nr/$name"
  elif [ -d "$path" ]; then mkdir "$nr/$name"; mount --rbind "$path" "$nr/$name"; mount -o remount,bind,ro "$nr/$name" || fail "read-only $path"
  else : > "$nr/$name"; mount --bind "$path" "$nr/$name"; mount -o remount,bind,ro "$nr/$name" || fail "read-only $path"
  fi
done
for dir in root workspace tmp; do mkdir "$nr/$dir"; mount --rbind "$data/$dir" "$nr/$dir"; done
mkdir "$nr/dev" "$nr/proc"
mount --rbind /dev "$nr/dev"
mount -t proc proc "$nr/proc" 2>/dev/null || mount --rbind /proc "$nr/proc"
while [ "$n" -gt 0 ]; do
  [ -d "$nr$1" ] && mount -t tmpfs -o mode=0755 lium-hidden "$nr$1"
  shift; n=$((n - 1))
done
hostname "$host" 2>/dev/null || true
exec chroot "$nr" /bin/sh -c 'cd /root || exit 125; exec 0<&4 1>&5 2>&6 3>&- 4<&- 5>&- 6>&-; exec "$@"' sh "$@"
`;
