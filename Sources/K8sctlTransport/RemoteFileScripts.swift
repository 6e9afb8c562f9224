/// The fixed remote programs behind the file operations. They are constant text: every value that
/// comes from the inventory reaches them as a quoted argument or on stdin, never spliced in.
///
/// They need only a POSIX `sh` and GNU coreutils (`head -c` reads exactly N bytes from a pipe;
/// `sync FILE` fsyncs one file or directory), which every distribution Kubernetes runs on has.
enum RemoteFileScripts {
    /// Writes a framed stream of files in one exec.
    ///
    /// Arguments: `$1` backup directory (empty: none), `$2` umask for created directories,
    /// `$3` number of files. Stdin: for each file a header line
    /// `SIZE MODE UMASK OWNER GROUP SHA256 PATH` followed by exactly SIZE content bytes.
    ///
    /// Pass 1 compares each file with what is there (sha256, then mode/owner) and writes changed
    /// content to a temp file next to the target, created under a umask derived from the requested
    /// mode so it is never wider than requested, even for an instant; owner and mode are set before
    /// anything is renamed. Then one `sync` flushes every temp file, pass 2 backs up and renames, and
    /// a last `sync` flushes the directories. Output lines: `STATUS PATH`. Temp files next to a target
    /// that a killed writer left (`.NAME.k8sctl-PID`) are removed when that target is written again.
    static let writeFiles = #"""
    set -u -C
    backup=$1; dirmask=$2; expected=$3; pid=$$
    fail() { msg=$1; shift; rm -f -- "$@"; printf 'k8sctl-write: %s\n' "$msg" >&2; exit 91; }
    set --
    seen=0
    while IFS=' ' read -r size mode fmask owner group sum path; do
      seen=$((seen + 1))
      case $path in /*) ;; *) fail "bad header for file $seen" "$@" ;; esac
      dir=${path%/*}
      # Temp files of a writer that was killed before its rename (the cluster lock rules out a live one).
      for stale in "$dir/.${path##*/}".k8sctl-*; do [ -f "$stale" ] && rm -f -- "$stale"; done
      if [ -e "$path" ]; then
        [ -f "$path" ] || fail "$path exists and is not a regular file" "$@"
        have=$(sha256sum < "$path") || fail "cannot read $path" "$@"
        if [ "${have%% *}" = "$sum" ]; then
          head -c "$size" >/dev/null
          meta=$(stat -L -c '%a %U %G' -- "$path") || fail "cannot stat $path" "$@"
          if [ "$meta" = "$mode $owner $group" ]; then
            echo "unchanged $path"
          else
            chown -- "$owner:$group" "$path" && chmod -- "$mode" "$path" || fail "cannot set owner/mode of $path" "$@"
            echo "metadata $path"
          fi
          continue
        fi
      elif [ ! -d "${dir:-/}" ]; then
        umask "$dirmask"
        mkdir -p -- "$dir" || fail "cannot create directory $dir" "$@"
      fi
      tmp="$dir/.${path##*/}.k8sctl-$pid"
      rm -f -- "$tmp"
      set -- "$@" "$tmp"
      umask "$fmask"
      head -c "$size" > "$tmp" || fail "cannot write $tmp" "$@"
      got=$(sha256sum < "$tmp") || fail "cannot read back $tmp" "$@"
      [ "${got%% *}" = "$sum" ] || fail "content of $path arrived corrupted (sha256 ${got%% *}, expected $sum)" "$@"
      chown -- "$owner:$group" "$tmp" || fail "cannot chown $path to $owner:$group" "$@"
      chmod -- "$mode" "$tmp" || fail "cannot chmod $path to $mode" "$@"
    done
    [ "$seen" -eq "$expected" ] || fail "stream ended after $seen of $expected files" "$@"
    [ "$#" -eq 0 ] && exit 0
    sync -- "$@" || fail "fsync failed" "$@"
    umask 077
    for tmp do
      t=${tmp%.k8sctl-$pid}; name=${t##*/}; path="${t%/*}/${name#.}"
      if [ -e "$path" ]; then
        if [ -n "$backup" ]; then
          mkdir -p -- "$backup${path%/*}" && cp -p -- "$path" "$backup$path" || fail "cannot back up $path into $backup" "$@"
        fi
        mv -f -- "$tmp" "$path" || fail "cannot rename $tmp to $path" "$@"
        echo "replaced $path"
      else
        mv -f -- "$tmp" "$path" || fail "cannot rename $tmp to $path" "$@"
        echo "created $path"
      fi
    done
    n=$#
    for tmp do d=${tmp%/*}; set -- "$@" "${d:-/}"; done
    shift "$n"
    sync -- "$@" || fail "fsync of directories failed"
    """#

    /// Prints the content of `$1`, or exits 3 when it does not exist.
    static let readFile = #"[ -e "$1" ] || exit 3; exec cat -- "$1""#

    /// For each argument prints its sha256, or `-` when it is not a regular file; one line each, in order.
    static let checksums = #"""
    for p do
      if [ -f "$p" ]; then s=$(sha256sum < "$p") || exit 1; printf '%s\n' "${s%% *}"; else echo -; fi
    done
    """#
}
