/// The fixed remote programs behind the file operations. They are constant text: every value that
/// comes from the inventory reaches them as a quoted argument or on stdin, never spliced in.
///
/// They need only a POSIX `sh`, GNU coreutils (`sync FILE` fsyncs one file or directory; `mv -t`)
/// and GNU tar, which every distribution Kubernetes runs on has.
enum RemoteFileScripts {
    /// Writes many files in one exec, with a fixed number of process starts whatever the number
    /// of files (one `tar`, one `sha256sum` and one `stat` before and after, one `mv` per target
    /// directory, two `sync`s) — the node's cost of a write no longer grows with the file count.
    ///
    /// Arguments: `$1` backup directory (empty: none), `$2` number of files, `$3` a token naming
    /// this write's staging directories (`[a-z0-9]+`). Stdin: one header line per file,
    /// `MODE OWNER GROUP SHA256 DIRUMASK PATH`, then a tar stream holding each file as
    /// `<dir>/.k8sctl-<token>/<name>` (see ``TarStream``).
    ///
    /// Existing files are compared first (sha256, then mode/owner): unchanged content is not
    /// written; right content with the wrong mode/owner is fixed in place. The rest is extracted
    /// by one `tar` into a private 0700 staging directory inside each target directory, under
    /// umask 077 (so no file is ever visible wider than 0700 & its mode; tar sets owner and exact
    /// mode after writing), read back and checked (content, owner, mode), fsynced, then renamed
    /// over the targets (`rename(2)`: atomic per file) and the directories fsynced. A failure
    /// removes the staging directories; no target is ever half-written. Output lines: `STATUS PATH`.
    ///
    /// What a killed writer left is removed before anything is decided: temp files next to a target
    /// (`.NAME.k8sctl-PID`, the former per-file writer's) when that target is written again, and
    /// staging directories (`.k8sctl-TOKEN`) in every directory this write touches. The cluster lock
    /// rules out a live writer, so anything by those names is a dead one's.
    static let writeFiles = #"""
    set -u
    backup=$1; expected=$2; token=$3
    case $token in ''|*[!a-z0-9]*) printf 'k8sctl-write: bad staging token\n' >&2; exit 91 ;; esac
    stage=.k8sctl-$token
    nl='
    '
    stagedirs=''
    fail() {
      printf 'k8sctl-write: %s\n' "$1" >&2
      while IFS= read -r d; do [ -n "$d" ] && rm -rf -- "$d"; done <<EOF_DIRS
    $stagedirs
    EOF_DIRS
      exit 91
    }
    # 1. Headers: MODE OWNER GROUP SHA256 DIRUMASK PATH, one line per file; then a tar stream.
    headers=''
    set --
    i=0 cleaned=''
    while [ "$i" -lt "$expected" ]; do
      IFS=' ' read -r mode owner group sum dmask path || fail "stream ended after $i of $expected headers"
      i=$((i + 1))
      case $path in /*) ;; *) fail "bad header for file $i" ;; esac
      dir=${path%/*}
      # Temp files of a killed writer next to this target; staging directories once per directory.
      for stale in "$dir/.${path##*/}".k8sctl-*; do [ -f "$stale" ] && rm -f -- "$stale"; done
      case "$nl$cleaned" in *"$nl$dir$nl"*) ;; *)
        cleaned="$cleaned$dir$nl"
        for stale in "$dir"/.k8sctl-*; do
          [ -d "$stale" ] && [ ! -L "$stale" ] && { rm -rf -- "$stale" || fail "cannot remove $stale, left by a killed writer"; }
        done ;;
      esac
      if [ -e "$path" ]; then
        [ -f "$path" ] || fail "$path exists and is not a regular file"
        set -- "$@" "$path"
      fi
      headers="$headers$mode $owner $group $sum $dmask $path$nl"
    done
    # 2. What is there already: one sha256sum and one stat for every existing file.
    sums='' metas=''
    if [ "$#" -gt 0 ]; then
      sums=$(sha256sum -- "$@") || fail "cannot read the existing files"
      metas=$(stat -L -c '%a %U %G' -- "$@") || fail "cannot stat the existing files"
    fi
    # 3. Decide per file; content that is already there is not written again.
    out='' todo='' members=''
    while IFS=' ' read -r mode owner group sum dmask path; do
      [ -n "$path" ] || continue
      if [ -e "$path" ]; then
        IFS= read -r have <&3; IFS= read -r meta <&4
        have=${have#\\}; have=${have%% *}
        if [ "$have" = "$sum" ]; then
          if [ "$meta" != "$mode $owner $group" ]; then
            { chown -- "$owner:$group" "$path" && chmod -- "$mode" "$path"; } || fail "cannot set owner/mode of $path"
            out="${out}metadata $path$nl"
          else
            out="${out}unchanged $path$nl"
          fi
          continue
        fi
        status=replaced
      else
        status=created
      fi
      todo="$todo$status $mode $owner $group $sum $dmask $path$nl"
    done <<EOF_HEADERS 3<<EOF_SUMS 4<<EOF_METAS
    $headers
    EOF_HEADERS
    $sums
    EOF_SUMS
    $metas
    EOF_METAS
    if [ -z "$todo" ]; then printf '%s' "$out"; exec cat >/dev/null; fi
    # 4. Missing directories (in the order given: wider modes first, so a 0700 directory never becomes
    #    the parent of a 0755 one by accident), then one private staging directory in each target directory.
    made='' mask='' dirs=''
    set --
    while IFS=' ' read -r status mode owner group sum dmask path; do
      [ -n "$path" ] || continue
      dir=${path%/*}
      case "$nl$dirs" in *"$nl$dir$nl"*) continue ;; esac
      dirs="$dirs$dir$nl"
      [ -d "${dir:-/}" ] && continue
      if [ "$#" -gt 0 ] && [ "$dmask" != "$mask" ]; then
        umask "$mask"; mkdir -p -- "$@" || fail "cannot create directory $1"; set --
      fi
      mask=$dmask; set -- "$@" "$dir"
    done <<EOF_TODO
    $todo
    EOF_TODO
    if [ "$#" -gt 0 ]; then umask "$mask"; mkdir -p -- "$@" || fail "cannot create directory $1"; fi
    umask 077
    set --
    while IFS= read -r dir; do
      [ -n "$dir" ] || continue
      set -- "$@" "$dir/$stage"; stagedirs="$stagedirs$dir/$stage$nl"
    done <<EOF_DIRS
    $dirs
    EOF_DIRS
    mkdir -- "$@" || fail "cannot create a staging directory in ${1%/*}"
    # 5. One tar extracts every file to write into the staging directories, owner and mode from the
    #    stream (created no wider than 0700 & mode under umask 077, the exact mode set after writing).
    set --
    while IFS=' ' read -r status mode owner group sum dmask path; do
      [ -n "$path" ] || continue
      dir=${path%/*}; member="${dir#/}/$stage/${path##*/}"
      set -- "$@" "${member#/}"
    done <<EOF_TODO
    $todo
    EOF_TODO
    tar -x -f - -C / -m --same-owner --same-permissions --no-overwrite-dir -- "$@" || fail "tar could not extract the files"
    # 6. Read back: content and owner/mode of every staged file, one sha256sum and one stat.
    for m do set -- "$@" "/$m"; shift; done
    got=$(sha256sum -- "$@") || fail "cannot read back the staged files"
    gotmeta=$(stat -c '%a %U %G' -- "$@") || fail "cannot stat the staged files"
    while IFS=' ' read -r status mode owner group sum dmask path; do
      [ -n "$path" ] || continue
      IFS= read -r have <&3; IFS= read -r meta <&4
      have=${have#\\}; have=${have%% *}
      [ "$have" = "$sum" ] || fail "content of $path arrived corrupted (sha256 $have, expected $sum)"
      [ "$meta" = "$mode $owner $group" ] || fail "$path was staged as $meta, not $mode $owner $group (is the account known on this host?)"
    done <<EOF_TODO 3<<EOF_SUMS 4<<EOF_METAS
    $todo
    EOF_TODO
    $got
    EOF_SUMS
    $gotmeta
    EOF_METAS
    sync -- "$@" || fail "fsync failed"
    # 7. Backups of the files about to be replaced, then one atomic rename per file: one mv per directory.
    if [ -n "$backup" ]; then
      while IFS=' ' read -r status mode owner group sum dmask path; do
        [ "$status" = replaced ] || continue
        { mkdir -p -- "$backup${path%/*}" && cp -p -- "$path" "$backup$path"; } || fail "cannot back up $path into $backup"
      done <<EOF_TODO
    $todo
    EOF_TODO
    fi
    while IFS= read -r dir; do
      [ -n "$dir" ] || continue
      set --
      while IFS=' ' read -r status mode owner group sum dmask path; do
        [ "${path%/*}" = "$dir" ] && set -- "$@" "$dir/$stage/${path##*/}"
      done <<EOF_TODO
    $todo
    EOF_TODO
      mv -f -t "${dir:-/}" -- "$@" || fail "cannot rename the staged files into ${dir:-/}"
    done <<EOF_DIRS
    $dirs
    EOF_DIRS
    set --
    while IFS= read -r dir; do [ -n "$dir" ] && set -- "$@" "$dir"; done <<EOF_DIRS
    $stagedirs
    EOF_DIRS
    rmdir -- "$@" || true
    stagedirs=''
    while IFS=' ' read -r status mode owner group sum dmask path; do
      [ -n "$path" ] && out="$out$status $path$nl"
    done <<EOF_TODO
    $todo
    EOF_TODO
    printf '%s' "$out"
    set --
    while IFS= read -r dir; do [ -n "$dir" ] && set -- "$@" "${dir:-/}"; done <<EOF_DIRS
    $dirs
    EOF_DIRS
    sync -- "$@" || fail "fsync of directories failed"
    """#

    /// Prints the content of `$1`, or exits 3 when it does not exist.
    static let readFile = #"[ -e "$1" ] || exit 3; exec cat -- "$1""#

    /// For each argument prints its sha256, or `-` when it is not a regular file; one line each, in order.
    /// One `sha256sum` for all of them, whatever their number.
    static let checksums = #"""
    flags=''
    for p do if [ -f "$p" ]; then flags="$flags+"; else flags="$flags-"; fi; done
    for p do shift; if [ -f "$p" ]; then set -- "$@" "$p"; fi; done
    sums=''
    if [ "$#" -gt 0 ]; then sums=$(sha256sum -- "$@") || exit 1; fi
    while [ -n "$flags" ]; do
      f=${flags%"${flags#?}"}; flags=${flags#?}
      if [ "$f" = + ]; then IFS= read -r line <&3; line=${line#\\}; printf '%s\n' "${line%% *}"; else echo -; fi
    done 3<<EOF_SUMS
    $sums
    EOF_SUMS
    """#
}
