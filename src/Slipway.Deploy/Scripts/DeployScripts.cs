using System.Globalization;
using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Core.Shell;
using Slipway.Deploy.Model;

namespace Slipway.Deploy.Scripts;

/// <summary>
/// The shell scripts of each phase, one per host per phase (one round trip each). Pure: every value is quoted by
/// <see cref="ShellCommand"/>; user hooks are passed to <c>/bin/sh -c</c> as one quoted word.
/// </summary>
public static class DeployScripts
{
    /// <summary>Exit code of the check script when another run holds the lock.</summary>
    public const int LockHeldExitCode = 75;

    /// <summary>
    /// Check phase: create releases/ and shared/, take the lock (atomic <c>mkdir</c>), verify writable dirs, linked
    /// files and requirements (every miss reported, not only the first), then list current and the releases.
    /// </summary>
    public static ShellCommand Check(
        HostLayout paths, LockRecord? lockRecord, IReadOnlyList<string> linkedFiles, IReadOnlyList<RequirementConfig> requirements)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var script = new Script();
        // Who we are on the host and what owns a path, for messages: a non-root deploy user meets permissions here first.
        script.Add(ShellCommand.Create($$"""
            slw_me=$(id -un 2>/dev/null) || slw_me="uid $(id -u)"
            slw_stat() { stat -c 'owned by %U, mode %a' "$1" 2>/dev/null || printf 'cannot be inspected'; }
            slw_step prepare
            if ! slw_e=$(mkdir -p {{paths.Releases}} {{paths.Shared}} 2>&1); then
              slw_d={{paths.DeployTo}}; while [ ! -e "$slw_d" ] && [ "$slw_d" != / ]; do slw_d=$(dirname "$slw_d"); done
              if [ -w "$slw_d" ]; then slw_why=$slw_e; else slw_why=$(printf '%s is not writable by user %s (%s)' "$slw_d" "$slw_me" "$(slw_stat "$slw_d")"); fi
              slw_miss "$(printf 'cannot create releases/ and shared/ in %s: %s' {{paths.DeployTo}} "$slw_why")"
              exit 1
            fi
            """));
        if (lockRecord is not null)
        {
            // The record is written whole, then renamed into the lock directory: a run that just lost the mkdir waits (up
            // to 3 s) for it and reads it complete, so it can say who holds the lock.
            var infoNew = paths.LockInfo + ".new";
            script.Add(ShellCommand.Create($$"""
                slw_step lock
                if mkdir {{paths.LockDir}} 2>/dev/null; then printf '%s' {{lockRecord.Format()}} > {{infoNew}} && mv -f {{infoNew}} {{paths.LockInfo}} && printf '::slipway:locked\n' || slw_die lock $?
                elif [ -d {{paths.LockDir}} ]; then slw_i=0; while [ ! -s {{paths.LockInfo}} ] && [ -d {{paths.LockDir}} ] && [ "$slw_i" -lt 30 ]; do sleep 0.1; slw_i=$((slw_i + 1)); done
                  printf '::slipway:lock-held\n'; sed 's/^/::slipway:lockinfo /' {{paths.LockInfo}} 2>/dev/null; exit {{LockHeldExitCode}}
                elif [ ! -w {{paths.DeployTo}} ]; then slw_miss "$(printf 'cannot take the deploy lock: %s is not writable by user %s (%s)' {{paths.DeployTo}} "$slw_me" "$(slw_stat {{paths.DeployTo}})")"
                else mkdir {{paths.LockDir}}; slw_die lock $?; fi
                """));
        }

        script.Add(ShellCommand.Create($"slw_step verify"));
        foreach (var dir in new[] { paths.Releases, paths.Shared })
        {
            script.Add(ShellCommand.Create($"[ -w {dir} ] || slw_miss \"$(printf '%s is not writable by user %s (%s)' {dir} \"$slw_me\" \"$(slw_stat {dir})\")\""));
        }

        foreach (var file in linkedFiles)
        {
            var path = paths.Shared + "/" + file;
            // Linked files are read by hooks and the application as the deploy user: one it cannot read fails later, and worse.
            script.Add(ShellCommand.Create($$"""
                if [ ! -e {{path}} ]; then slw_miss {{"linked file " + path + " is missing (create it before deploying)"}}
                elif [ ! -r {{path}} ]; then slw_miss "$(printf 'linked file %s is not readable by user %s (%s)' {{path}} "$slw_me" "$(slw_stat {{path}})")"; fi
                """));
        }

        foreach (var requirement in requirements)
        {
            script.Add(Requirement(paths, requirement));
        }

        AddListing(script, paths);
        script.Add(ShellCommand.Create($"[ \"$slw_missing\" = 0 ] || exit 1"));
        return script.Build();
    }

    /// <summary>Only lists current and the releases (for <c>releases</c>, <c>rollback</c> planning); changes nothing.</summary>
    public static ShellCommand List(HostLayout paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var script = new Script();
        AddListing(script, paths);
        script.Add(ShellCommand.Create($$"""if [ -d {{paths.LockDir}} ]; then sed 's/^/::slipway:lockinfo /' {{paths.LockInfo}} 2>/dev/null; fi"""));
        return script.Build();
    }

    /// <summary>
    /// Update phase: make the release dir, fill it from the source, link shared paths, REVISION, the vendored
    /// artifacts (<paramref name="vendor"/>, <see cref="VendorScripts.Install"/>), hooks.
    /// </summary>
    public static ShellCommand Update(ReleaseContext context, SourcePlan source, SharedLinks linked, HookSteps hooks, ShellCommand? vendor = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(linked);
        ArgumentNullException.ThrowIfNull(hooks);
        var paths = context.Paths;
        var release = paths.Release(context.Release);
        var script = new Script().Export(context.Environment());
        AddHooks(script, "before_update", paths.DeployTo, hooks.Before);
        script.Step("create", ShellCommand.Create($"mkdir {release} && printf 'unfinished\\n' > {release + "/" + HostLayout.StateFileName}"));
        var archive = paths.Archive(context.Release);
        script.Step("source", source.Strategy == SourceStrategy.Upload
            ? ShellCommand.Create($"tar -xf {archive} -C {release} && rm -f {archive}")
            : GitSource(paths, source, context, release, archive));
        if (linked.Dirs.Count + linked.Files.Count > 0)
        {
            var parts = new List<ShellCommand>();
            foreach (var dir in linked.Dirs)
            {
                var target = release + "/" + dir;
                parts.Add(ShellCommand.Create(
                    $"mkdir -p {paths.Shared + "/" + dir} {Parent(target)} && rm -rf {target} && ln -s {paths.Shared + "/" + dir} {target}"));
            }

            foreach (var file in linked.Files)
            {
                var target = release + "/" + file;
                parts.Add(ShellCommand.Create($"mkdir -p {Parent(target)} && rm -rf {target} && ln -s {paths.Shared + "/" + file} {target}"));
            }

            script.Step("link", ShellCommand.Join(" && ", parts));
        }

        var revision = ShellCommand.Create($"printf '%s\\n' {context.Commit} > {release + "/REVISION"}");
        if (source.CommitTime is { } time)
        {
            revision = revision.Then(ShellCommand.Create($"printf '%s\\n' {time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)} > {release + "/REVISION_TIME"}"));
        }

        script.Step("revision", revision);
        if (vendor is { } install)
        {
            script.Step("vendor", install);
        }

        AddHooks(script, "after_update", release, hooks.After);
        return script.Build();
    }

    /// <summary>
    /// Publish phase: before_publish hooks, the atomic switch (a new symlink renamed over <c>current</c> with
    /// <c>mv -T</c>, i.e. rename(2): there is never a moment without <c>current</c>), then after_publish hooks.
    /// </summary>
    public static ShellCommand Publish(ReleaseContext context, HookSteps hooks, string token)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(hooks);
        var paths = context.Paths;
        var release = paths.Release(context.Release);
        var script = new Script().Export(context.Environment());
        AddHooks(script, "before_publish", release, hooks.Before);
        script.Step("switch", Switch(paths, release, token));
        AddHooks(script, "after_publish", release, hooks.After);
        return script.Build();
    }

    /// <summary>
    /// Undo a publish: <c>current</c> back to <paramref name="backTo"/> (removed when there was none), the abandoned
    /// release marked bad, and the after_publish hooks run again in the old release (restart the old code).
    /// </summary>
    public static ShellCommand Revert(ReleaseContext context, string? backTo, string? abandoned, IReadOnlyList<HookConfig> afterPublish, string token)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(afterPublish);
        var paths = context.Paths;
        var script = new Script().Export(context.Environment());
        script.Step("switch-back", backTo is null
            ? ShellCommand.Create($"rm -f {paths.Current}")
            : Switch(paths, paths.Release(backTo), token));
        if (abandoned is not null)
        {
            script.Add(MarkBad(paths, abandoned));
        }

        if (backTo is not null)
        {
            AddHooks(script, "after_publish", paths.Release(backTo), afterPublish);
        }

        return script.Build();
    }

    /// <summary>
    /// Finish phase: mark the release good (and the abandoned one bad, for rollbacks), append revisions.log and the
    /// history, remove old releases, release the lock.
    /// </summary>
    public static ShellCommand Finish(
        HostLayout paths, string? goodRelease, string? badRelease, string? revisionsLine, string historyJson,
        IReadOnlyList<string> remove, string token)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(remove);
        var script = new Script();
        if (goodRelease is not null)
        {
            script.Step("mark", ShellCommand.Create($"printf 'ok\\n' > {paths.Release(goodRelease) + "/" + HostLayout.StateFileName}"));
        }

        if (badRelease is not null)
        {
            script.Add(MarkBad(paths, badRelease));
        }

        if (revisionsLine is not null)
        {
            script.Step("log", ShellCommand.Create($"printf '%s\\n' {revisionsLine} >> {paths.RevisionsLog}"));
        }

        script.Step("history", ShellCommand.Create($"printf '%s\\n' {historyJson} >> {paths.History}"));
        if (remove.Count > 0)
        {
            script.Step("cleanup", ShellCommand.Create($"cd {paths.Releases} && rm -rf -- {(IEnumerable<string>)remove}"));
        }

        script.Add(Unlock(paths, token));
        return script.Build();
    }

    /// <summary>
    /// Undo an update that never reached publish: remove the new release and its archive, note the failure in the
    /// history, run the <c>failed</c> hooks (best effort), release the lock.
    /// </summary>
    public static ShellCommand Abort(
        ReleaseContext context, string? historyJson, IReadOnlyList<HookConfig> failedHooks, string token)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(failedHooks);
        var paths = context.Paths;
        var script = new Script().Export(context.Environment());
        script.Add(ShellCommand.Create($"rm -rf {paths.Release(context.Release)} {paths.Archive(context.Release)}"));
        // Vendored artifacts uploaded or half unpacked by this run (the lock makes them this run's); unpacked keys stay.
        script.Add(ShellCommand.Create($"rm -rf {paths.Vendor}/.incoming-* {paths.Vendor}/.unpack-*"));
        if (historyJson is not null)
        {
            script.Add(ShellCommand.Create($"printf '%s\\n' {historyJson} >> {paths.History}"));
        }

        foreach (var hook in failedHooks)
        {
            script.Add(ShellCommand.Create($"(cd {paths.DeployTo} && /bin/sh -c {hook.Command.AsWord()}) || true"));
        }

        script.Add(Unlock(paths, token));
        return script.Build();
    }

    /// <summary>Removes the lock if <paramref name="token"/> owns it; a null token removes it whoever owns it.</summary>
    public static ShellCommand Unlock(HostLayout paths, string? token)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return token is null
            ? ShellCommand.Create($"rm -rf {paths.LockDir}")
            : ShellCommand.Create($"{ReadLockToken(paths)}; if [ \"$slw_owner\" = {"token=" + token} ]; then rm -rf {paths.LockDir}; fi");
    }

    /// <summary>
    /// Extends the lease of a lock this run holds: the record (with its new expiry) is written next to the old one and
    /// renamed over it, only while <paramref name="record"/>'s token still owns the lock. Exit 1 when it does not.
    /// </summary>
    public static ShellCommand RenewLock(HostLayout paths, LockRecord record)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(record);
        var temp = paths.LockInfo + ".renew";
        return ShellCommand.Create(
            $"{ReadLockToken(paths)}; if [ \"$slw_owner\" = {"token=" + record.Token} ]; then printf '%s' {record.Format()} > {temp} && mv -f {temp} {paths.LockInfo}; else exit 1; fi");
    }

    /// <summary>
    /// The lock record's first line (<c>token=…</c>, as <see cref="LockRecord.Format"/> writes it) into <c>slw_owner</c>,
    /// empty when there is no lock. With the shell's own <c>read</c>: no process is started for it.
    /// </summary>
    private static ShellCommand ReadLockToken(HostLayout paths) =>
        ShellCommand.Create($"slw_owner=; {{ read -r slw_owner < {paths.LockInfo}; }} 2>/dev/null");

    /// <summary>A standalone script that only runs <see cref="Unlock"/>.</summary>
    public static ShellCommand UnlockScript(HostLayout paths, string? token) => new Script().Add(Unlock(paths, token)).Build();

    /// <summary>Removes releases (cleanup on its own) and releases the lock.</summary>
    public static ShellCommand Cleanup(HostLayout paths, IReadOnlyList<string> remove, string token)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(remove);
        var script = new Script();
        if (remove.Count > 0)
        {
            script.Step("cleanup", ShellCommand.Create($"cd {paths.Releases} && rm -rf -- {(IEnumerable<string>)remove}"));
        }

        script.Add(Unlock(paths, token));
        return script.Build();
    }

    /// <summary>
    /// The mirror in repo/ (cloned on first use; fetched from repo_url only when it lacks the commit), the commit
    /// exported into the release. Every git process costs a host a few ms of CPU, so none runs without need: the commit
    /// time comes from the local resolve when known, and otherwise the <c>git log</c> that writes it is also the test
    /// for whether the mirror has the commit. The fetch names repo_url with the mirror's refspec rather than running
    /// <c>git remote set-url</c> first, so a changed repo_url costs no extra process either.
    /// </summary>
    private static ShellCommand GitSource(HostLayout paths, SourcePlan source, ReleaseContext context, string release, string archive)
    {
        var repo = paths.Repo;
        var fetch = ShellCommand.Create($"git -C {repo} fetch --quiet --prune {source.RepoUrl} '+refs/*:refs/*'");
        var have = source.CommitTime is null
            ? ShellCommand.Create($"git -C {repo} log -1 --format=%ct {context.Commit} > {release + "/REVISION_TIME"}")
            : ShellCommand.Create($"git -C {repo} cat-file -e {context.Commit + "^{commit}"}");
        var ensure = source.CommitTime is null
            ? ShellCommand.Create($"{{ {have} 2>/dev/null || {{ {fetch} && {have}; }}; }}")
            : ShellCommand.Create($"{{ {have} 2>/dev/null || {fetch}; }}");
        return ShellCommand.Create($$"""
            { [ -d {{repo}} ] || git clone --mirror --quiet {{source.RepoUrl}} {{repo}}; } && {{ensure}} && git -C {{repo}} archive -o {{archive}} {{context.Commit}} && tar -xf {{archive}} -C {{release}} && rm -f {{archive}}
            """);
    }

    private static ShellCommand Switch(HostLayout paths, string release, string token)
    {
        var temp = paths.DeployTo + "/.current-" + token;
        return ShellCommand.Create($"{{ [ ! -L {temp} ] || rm -f {temp}; }} && ln -s {release} {temp} && mv -T {temp} {paths.Current}");
    }

    private static ShellCommand MarkBad(HostLayout paths, string release)
    {
        var dir = paths.Release(release);
        return ShellCommand.Create($"if [ -d {dir} ]; then printf 'bad\\n' > {dir + "/" + HostLayout.StateFileName}; fi");
    }

    private static void AddListing(Script script, HostLayout paths)
    {
        script.Add(ShellCommand.Create($$"""
            if [ -L {{paths.Current}} ]; then printf '::slipway:current %s\n' "$(readlink {{paths.Current}})"; fi
            for r in {{paths.Releases}}/*; do [ -d "$r" ] || continue; s=; v=; { read -r s < "$r/{{HostLayout.StateFileName}}"; } 2>/dev/null; { read -r v < "$r/REVISION"; } 2>/dev/null; printf '::slipway:release %s %s %s\n' "${r##*/}" "${s:-ok}" "$v"; done
            """));
    }

    private static void AddHooks(Script script, string point, string directory, IReadOnlyList<HookConfig> hooks)
    {
        for (var i = 0; i < hooks.Count; i++)
        {
            script.Hook($"{point}[{i.ToString(CultureInfo.InvariantCulture)}]", directory, hooks[i].Command);
        }
    }

    private static ShellCommand Requirement(HostLayout paths, RequirementConfig r)
    {
        var t = r.Target;
        return r.Kind switch
        {
            RequirementKind.Command => ShellCommand.Create($"command -v {t} >/dev/null 2>&1 || slw_miss {"command '" + t + "' not found on PATH"}"),
            RequirementKind.DebianPackage => ShellCommand.Create(
                $"dpkg-query -W -f='${{Status}}' {t} 2>/dev/null | grep -q 'install ok installed' || slw_miss {"Debian package '" + t + "' is not installed"}"),
            RequirementKind.PythonModule => ShellCommand.Create(
                $"(cd {paths.DeployTo} && python3 -c 'import importlib, sys; importlib.import_module(sys.argv[1])' {t}) >/dev/null 2>&1 || slw_miss {"Python module '" + t + "' cannot be imported by python3"}"),
            RequirementKind.File => ShellCommand.Create($"[ -f {t} ] || slw_miss {"file " + t + " is missing"}"),
            RequirementKind.Directory => ShellCommand.Create($"[ -d {t} ] || slw_miss {"directory " + t + " is missing"}"),
            RequirementKind.Writable => ShellCommand.Create($"[ -w {t} ] || slw_miss {t + " is not writable"}"),
            RequirementKind.FreeDisk => FreeDisk(r),
            _ => throw new ArgumentOutOfRangeException(nameof(r), r.Kind, "unknown requirement kind"),
        };
    }

    private static ShellCommand FreeDisk(RequirementConfig r)
    {
        var kib = ((r.MinimumBytes ?? 0) / 1024).ToString(CultureInfo.InvariantCulture);
        var message = $"less than {Size(r.MinimumBytes ?? 0)} free on {r.Target}";
        return ShellCommand.Create(
            $"f=$(df -Pk {r.Target} 2>/dev/null | awk 'NR==2 {{print $4}}'); [ -n \"$f\" ] && [ \"$f\" -ge {kib} ] || slw_miss {message}");
    }

    private static string Size(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + "G"
        : (bytes / (double)(1L << 20)).ToString("0.#", CultureInfo.InvariantCulture) + "M";

    private static string Parent(string path) => path[..path.LastIndexOf('/')];
}
