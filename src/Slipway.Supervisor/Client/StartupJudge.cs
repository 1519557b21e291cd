using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Client;

/// <summary>How a wait for processes to come up stands.</summary>
public enum Verdict
{
    Waiting,
    Running,
    Failed,
}

/// <summary>A process that is not (yet) where it should be, and why.</summary>
public sealed record ProcessProblem(ProcessInfo? Process, string Name, string Reason);

/// <summary>The judgement of one poll.</summary>
public sealed record Judgement(Verdict Verdict, IReadOnlyList<ProcessProblem> Problems, IReadOnlyList<ProcessInfo> Processes);

/// <summary>
/// Judges whether the processes selected (by group name, <c>group:*</c>, or full name <c>group:proc</c>) are all
/// RUNNING. STOPPED (not spawned yet), STARTING and STOPPING are waiting; BACKOFF, FATAL, EXITED and UNKNOWN fail
/// at once; still waiting when the deadline passes fails with the states seen. Pure: no clock, no I/O.
/// </summary>
public static class StartupJudge
{
    public static Judgement Judge(IReadOnlyList<ProcessInfo> all, IReadOnlyCollection<string> selectors, DateTimeOffset now, DateTimeOffset deadline)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(selectors);
        var selected = all.Where(p => selectors.Any(s => Matches(p, s))).ToList();
        var problems = new List<ProcessProblem>();
        foreach (var missing in selectors.Where(s => !all.Any(p => Matches(p, s))))
        {
            problems.Add(new ProcessProblem(null, missing, "no such process or group"));
        }

        var failed = selected.Where(p => p.State is ProcessState.Backoff or ProcessState.Fatal or ProcessState.Exited or ProcessState.Unknown).ToList();
        if (failed.Count > 0)
        {
            return new Judgement(Verdict.Failed, [.. failed.Select(p => new ProcessProblem(p, p.FullName, Describe(p))), .. problems], selected);
        }

        var waiting = selected.Where(p => p.State != ProcessState.Running).ToList();
        if (waiting.Count == 0 && problems.Count == 0)
        {
            return new Judgement(Verdict.Running, [], selected);
        }

        var all2 = problems.Concat(waiting.Select(p => new ProcessProblem(p, p.FullName, Describe(p)))).ToList();
        if (now < deadline)
        {
            return new Judgement(Verdict.Waiting, all2, selected);
        }

        return new Judgement(Verdict.Failed,
            all2.Select(p => p with { Reason = p.Reason + $" (not RUNNING after the timeout)" }).ToList(), selected);
    }

    /// <summary>Whether a selector names this process: its group, <c>group:*</c>, or its full name.</summary>
    public static bool Matches(ProcessInfo p, string selector)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(selector);
        if (selector.EndsWith(":*", StringComparison.Ordinal) || selector.EndsWith(':'))
        {
            return p.Group == selector.TrimEnd('*').TrimEnd(':');
        }

        return selector.Contains(':', StringComparison.Ordinal) ? p.FullName == selector || p.Group + ":" + p.Name == selector : p.Group == selector || p.FullName == selector;
    }

    /// <summary>"FATAL: Exited too quickly (process log may have details)", "EXITED: exit status 3"…</summary>
    public static string Describe(ProcessInfo p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var detail = p.State switch
        {
            ProcessState.Exited => $"exit status {p.ExitStatus}",
            ProcessState.Backoff or ProcessState.Fatal when p.SpawnErr.Length > 0 => p.SpawnErr,
            ProcessState.Stopped when p.Description == "Not started" => "not started",
            _ => p.Description,
        };
        return detail.Length == 0 ? p.StateName : p.StateName + ": " + detail;
    }
}
