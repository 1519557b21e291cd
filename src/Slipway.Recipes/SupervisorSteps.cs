using System.Globalization;
using Slipway.Core.Config;
using Slipway.Core.Shell;

namespace Slipway.Recipes;

/// <summary>
/// The supervisor recipe's <c>after_publish</c> step for one host: write the host's rendered programs file
/// atomically, then have the host-side agent apply it (<c>supervisorctl update</c>'s semantics), restart the host's
/// programs and wait until every process is RUNNING. Pure.
/// </summary>
public static class SupervisorSteps
{
    public static string Label(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return "supervisor: update " + string.Join(' ', WorkerPrograms.ProgramNames(config));
    }

    public static ShellCommand Update(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        var file = HostLayout.For(config, host).ProgramsFile(config.Supervisor, config.Application);
        var processes = ProgramRenderer.ProcessesFor(config, host);
        var restart = processes.SelectMany(p => new[] { "--restart", ProgramRenderer.ProgramName(config, p) }).ToList();
        var write = ShellCommand.Create($$"""
            f={{file}}
            mkdir -p "${f%/*}" && printf '%s' {{ProgramRenderer.Render(config, host)}} > "$f.slipway-tmp" && mv -f "$f.slipway-tmp" "$f"
            """);
        var update = ShellCommand.Join(" ", [
            ShellCommand.Raw(HostLayout.Agent),
            ShellCommand.Create($"agent supervisor update --socket {HostLayout.For(config, host).Socket(config.Supervisor)} {(IEnumerable<string>)restart} --timeout {Duration(config.Supervisor.StartTimeout)}"),
        ]);
        var step = ShellCommand.Join("\n", [write, .. WriteWorkerFile(config, host, processes), update]);
        // A host that runs none of the processes only needs the programs it may still have from an earlier deploy removed.
        return processes.Count > 0
            ? step
            : ShellCommand.Join("", [ShellCommand.Create($"if [ -e {file} ]; then\n"), step, ShellCommand.Create($"\nfi")]);
    }

    /// <summary>
    /// On a host that runs <c>workers:</c>, their settings file (<see cref="ConfigPrinter.WorkerFile"/>), written before
    /// the supervisor restarts them and mode 0600 from the start: it holds the queue store's password.
    /// </summary>
    private static IEnumerable<ShellCommand> WriteWorkerFile(SlipwayConfig config, HostConfig host, IReadOnlyList<ProcessConfig> processes)
    {
        if (!config.Workers.Any(w => processes.Any(p => p.Name == w.Name)))
        {
            yield break;
        }

        var text = ConfigPrinter.WorkerFile(config, host, WorkerPrograms.QueueUrl(config, host));
        yield return ShellCommand.Create($$"""
            w={{WorkerPrograms.WorkerFile(config, host)}}
            (umask 077 && printf '%s' {{text:r}} > "$w.slipway-tmp") && mv -f "$w.slipway-tmp" "$w"
            """);
    }

    /// <summary>A duration as the agent's options take it: whole seconds (<c>10s</c>) or milliseconds (<c>500ms</c>).</summary>
    internal static string Duration(TimeSpan value) =>
        value.Milliseconds == 0 && value.Ticks % TimeSpan.TicksPerMillisecond == 0
            ? ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
            : ((long)Math.Ceiling(value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
}
