using System.Globalization;
using Slipway.Core.Config;
using Slipway.Core.Layout;
using Slipway.Monitor.Checks;

namespace Slipway.Monitor.Configuration;

/// <summary>
/// Turns the bound <c>monitor:</c> section into the library's <see cref="CheckDefinition"/>s, one per check and host, and
/// reports what <see cref="CheckFactory.Validate"/> finds as config diagnostics at the key they concern. Pure.
/// </summary>
public static class MonitorPlan
{
    /// <summary>Every check on every host of <paramref name="stage"/> (all stages when null), in file order, with the problems.</summary>
    /// <param name="config">The loaded file.</param>
    /// <param name="stage">Only this stage's hosts; null: every stage.</param>
    /// <param name="file">The file as the user named it, for messages; default <see cref="SlipwayConfig.SourceFile"/>.</param>
    public static (IReadOnlyList<ConfiguredCheck> Checks, IReadOnlyList<ConfigDiagnostic> Problems) Expand(
        SlipwayConfig config, string? stage = null, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var checks = new List<ConfiguredCheck>();
        var problems = new List<ConfigDiagnostic>();
        if (config.Monitor is not { } monitor)
        {
            return (checks, problems);
        }

        if (monitor.Alerts.Command is { } alertCommand)
        {
            try
            {
                Plugins.PluginCommand.Parse(alertCommand.Command, alertCommand.Shell);
            }
            catch (FormatException e)
            {
                problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, file ?? config.SourceFile, alertCommand.Location,
                    "monitor.alerts.command.command", e.Message));
            }
        }

        var stages = config.Stages.Where(s => stage is null || s.Name == stage).ToList();
        foreach (var check in monitor.Checks)
        {
            foreach (var (stageName, host) in stages.SelectMany(s => s.Hosts.Where(check.AppliesTo).Select(h => (s.Name, h))))
            {
                var (definition, found) = Define(check, host, stageName, SupervisorSocket(config, host));
                problems.AddRange(found.Select(p => Diagnostic(file ?? config.SourceFile, check, p.Key, p.Message)));
                if (found.Count == 0)
                {
                    checks.Add(new ConfiguredCheck(check, stageName, host, definition!));
                }
            }
        }

        // A check that uses host variables fails the same way on many hosts; say it once.
        return (checks, problems.DistinctBy(p => p.ToString()).ToList());
    }

    /// <summary>The problems <c>config check</c> adds for the monitor section (each check on every host of every stage).</summary>
    public static IReadOnlyList<ConfigDiagnostic> Check(SlipwayConfig config, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = Expand(config, null, file).Problems.ToList();
        foreach (var check in config.Monitor?.Checks ?? [])
        {
            if (!config.Stages.Any(s => s.Hosts.Any(check.AppliesTo)))
            {
                problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, file ?? config.SourceFile, check.Location, check.PathOf(),
                    "runs on no host: no host has both its roles and one of its hosts"));
            }

            if (check.Type == "log_errors" && config.Logs?.Db is null)
            {
                problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, file ?? config.SourceFile, check.LocationOf("type"), check.PathOf("type"),
                    "log_errors reads the central logs: set logs.db (the logs server's SQLite file, mysql://… or postgres://…)"));
            }
        }

        return problems;
    }

    /// <summary>The supervise daemon's socket on <paramref name="host"/> as the host layout places it (supervisor.socket, else the kind's default).</summary>
    public static string SupervisorSocket(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        return new HostLayout(host.DeployTo ?? config.DeployTo).Socket(config.Supervisor);
    }

    /// <summary>The library's definition of <paramref name="check"/> on <paramref name="host"/>, or the problems, each with its key.</summary>
    /// <param name="check">The bound check.</param>
    /// <param name="host">The host it runs for (its variables are substituted).</param>
    /// <param name="stage">The stage of the host (a release check compares with that stage's history).</param>
    /// <param name="supervisorSocket">A supervise check's socket when it names none.</param>
    public static (CheckDefinition? Definition, List<(string? Key, string Message)> Problems) Define(MonitorCheckConfig check, HostConfig host,
        string stage = "", string supervisorSocket = "")
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(host);
        var problems = new List<(string? Key, string Message)>();
        string? X(string? text) => text is null ? null : HostVars.Expand(text, host);
        var warning = X(check.Warning);
        var critical = X(check.Critical);
        var definition = new CheckDefinition
        {
            Name = check.Name,
            Options = new CheckOptions
            {
                CheckInterval = check.CheckInterval,
                RetryInterval = check.RetryInterval,
                MaxCheckAttempts = check.MaxCheckAttempts,
                RecoverAfter = check.RecoverAfter,
                Timeout = check.Timeout,
                Flapping = new FlapDetectionOptions
                {
                    Enabled = check.Flapping.Enabled, LowThreshold = check.Flapping.LowThreshold, HighThreshold = check.Flapping.HighThreshold,
                },
            },
        };
        switch (check.Type)
        {
            case null:
                definition = definition with
                {
                    Plugin = new PluginCheckOptions(X(check.Command) ?? "", check.Shell) { OnHost = check.RunOn == "ssh" ? host.DisplayName : null },
                };
                break;
            case "http":
                definition = definition with
                {
                    Http = new HttpCheckOptions(X(check.Url) ?? "")
                    {
                        ExpectStatus = check.ExpectStatus, BodyContains = X(check.BodyContains), Warning = warning, Critical = critical,
                        VerifyCertificate = check.VerifyCertificate, CertificateWarningDays = check.CertificateWarningDays,
                        CertificateCriticalDays = check.CertificateCriticalDays,
                    },
                };
                break;
            case "tcp":
                var port = X(check.Port) ?? "";
                if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
                {
                    var on = port == check.Port ? "" : $" (on {host.DisplayName})";
                    problems.Add(("port", $"must be a port from 1 to 65535, got \"{port}\"{on}"));
                }

                definition = definition with { Tcp = new TcpCheckOptions(X(check.Host) ?? "127.0.0.1", number) { Warning = warning, Critical = critical } };
                break;
            case "disk":
                var disk = new DiskCheckOptions(X(check.Path) ?? "/");
                definition = definition with { Disk = disk with { Warning = warning ?? disk.Warning, Critical = critical ?? disk.Critical } };
                break;
            case "supervise":
                definition = definition with
                {
                    Supervise = new SuperviseCheckOptions(X(check.Program) ?? "", X(check.Socket) ?? supervisorSocket) { Warning = warning, Critical = critical },
                };
                break;
            case "queue":
                definition = definition with
                {
                    Queue = new QueueCheckOptions(X(check.Queue) ?? "default", check.Measure == "oldest_age" ? QueueMeasureKind.OldestAge : QueueMeasureKind.Depth)
                    {
                        Warning = warning, Critical = critical,
                    },
                };
                break;
            case "log_errors":
                definition = definition with
                {
                    LogErrors = new LogErrorsCheckOptions(check.Window) { Host = X(check.LogHost), Program = X(check.Program), Warning = warning, Critical = critical },
                };
                break;
            case "release":
                definition = definition with { Release = new ReleaseCheckOptions(stage, host.DisplayName) };
                break;
            default:
                definition = definition with { Load = new LoadCheckOptions { Warning = warning, Critical = critical, PerCpu = check.PerCpu } };
                break;
        }

        // The library stops at the first bad range of a pair; validating each alone reports both, each at its key.
        var prefix = $"check '{check.Name}': ";
        string Strip(string error) => error.StartsWith(prefix, StringComparison.Ordinal) ? error[prefix.Length..] : error;
        problems.AddRange(CheckFactory.Validate(WithThresholds(definition, warning, null)).Select(Strip).Where(IsRange).Select(m => ((string?)"warning", m)));
        problems.AddRange(CheckFactory.Validate(WithThresholds(definition, null, critical)).Select(Strip).Where(IsRange).Select(m => ((string?)"critical", m)));
        foreach (var message in CheckFactory.Validate(WithThresholds(definition, null, null)).Select(Strip)
            .Where(e => !e.StartsWith("tcp port", StringComparison.Ordinal)))
        {
            problems.Add((KeyOf(message), message));
        }

        return (problems.Count == 0 ? definition : null, problems);
    }

    private static bool IsRange(string message) =>
        message.StartsWith("threshold range", StringComparison.Ordinal) || message.StartsWith("load thresholds", StringComparison.Ordinal);

    /// <summary>The definition with a built-in's ranges replaced (a disk's absent ones become none, not its defaults).</summary>
    private static CheckDefinition WithThresholds(CheckDefinition d, string? warning, string? critical) => d with
    {
        Tcp = d.Tcp is { } t ? t with { Warning = warning, Critical = critical } : null,
        Http = d.Http is { } h ? h with { Warning = warning, Critical = critical } : null,
        Disk = d.Disk is { } k ? k with { Warning = warning, Critical = critical } : null,
        Load = d.Load is { } l ? l with { Warning = warning, Critical = critical } : null,
        Supervise = d.Supervise is { } v ? v with { Warning = warning, Critical = critical } : null,
        Queue = d.Queue is { } q ? q with { Warning = warning, Critical = critical } : null,
        LogErrors = d.LogErrors is { } e ? e with { Warning = warning, Critical = critical } : null,
    };

    /// <summary>
    /// Which key a library message concerns: the schedule options name themselves, command-line messages speak of the
    /// command line. Null: the check as a whole.
    /// </summary>
    private static string? KeyOf(string message)
    {
        string[] named = ["check_interval", "retry_interval", "max_check_attempts", "recover_after", "timeout", "window"];
        if (named.FirstOrDefault(k => message.StartsWith(k, StringComparison.Ordinal)) is { } key)
        {
            return key;
        }

        if (message.Contains("command line", StringComparison.Ordinal) || message.Contains("plugin command", StringComparison.Ordinal))
        {
            return "command";
        }

        return message.Contains("http:// or https://", StringComparison.Ordinal) ? "url" : null;
    }

    private static ConfigDiagnostic Diagnostic(string file, MonitorCheckConfig check, string? key, string message) =>
        new(DiagnosticSeverity.Error, file, key is null ? check.Location : check.LocationOf(key), check.PathOf(key), message);
}
