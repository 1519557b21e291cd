using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Deploy.Model;
using Slipway.Remote;

namespace Slipway.Deploy.Execution;

/// <summary>One host's part in a run: its paths, session, what it reported, and whether we hold its lock.</summary>
internal sealed class HostRun(HostConfig host, HostLayout paths)
{
    public HostConfig Host { get; } = host;

    public HostLayout Paths { get; } = paths;

    public IRemoteSession? Session { get; set; }

    public HostState State { get; set; } = new();

    public LockRecord? Holder { get; set; }

    public bool Locked { get; set; }

    /// <summary>Reads <c>current</c> and <c>release</c> data lines of a listing.</summary>
    public void ReadState(ScriptRun run)
    {
        var target = run.Values("current").LastOrDefault();
        string? current = null;
        if (target is not null)
        {
            var trimmed = target.TrimEnd('/');
            var name = trimmed[(trimmed.LastIndexOf('/') + 1)..];
            current = ReleaseName.IsValid(name) ? name : null;
        }

        var releases = run.Values("release")
            .Select(line => line.Split(' ', 3))
            .Where(p => ReleaseName.IsValid(p[0]))
            .Select(p => new ReleaseInfo(p[0], ParseState(p.Length > 1 ? p[1] : ""), p.Length > 2 && p[2].Length > 0 ? p[2] : null))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        State = new HostState { Current = current, CurrentTarget = target, Releases = releases };
        var lockLines = run.Values("lockinfo").ToList();
        Holder = lockLines.Count > 0 ? LockRecord.Parse(lockLines) : null;
    }

    private static ReleaseState ParseState(string text) => text switch
    {
        "unfinished" => ReleaseState.Unfinished,
        "bad" => ReleaseState.Bad,
        _ => ReleaseState.Ok,
    };
}
