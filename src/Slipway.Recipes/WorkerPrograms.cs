using System.Globalization;
using Slipway.Core;
using Slipway.Core.Config;
using Slipway.Core.Shell;

namespace Slipway.Recipes;

/// <summary>
/// <c>workers:</c> as supervisor programs: each entry becomes a process that runs
/// <c>DEPLOY_TO/slipway/bin/slipway worker QUEUE -f DEPLOY_TO/slipway/worker.yml [flags] -- COMMAND</c> on every host
/// with its roles, so the hosts' workers are kept alive, restarted on the new release by each deploy, and stopped
/// gracefully: SIGTERM lets running jobs finish within the stop grace, and supervisord's SIGKILL comes only
/// <see cref="KillMargin"/> after that. Pure.
/// </summary>
public static class WorkerPrograms
{
    /// <summary>Where a host's workers read their queue settings, under <c>deploy_to</c>.</summary>
    public const string WorkerFileName = "worker.yml";

    /// <summary>Time past the worker's own stop grace before supervisord kills it: for the jobs' kill and hand-back.</summary>
    public static readonly TimeSpan KillMargin = TimeSpan.FromSeconds(10);

    /// <summary>Every program name the recipe writes: the processes', then the workers'.</summary>
    public static IEnumerable<string> ProgramNames(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Processes.Select(p => p.Name).Concat(config.Workers.Select(w => w.Name));
    }

    /// <summary>True when the file asks for programs of either kind.</summary>
    public static bool Any(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Processes.Count + config.Workers.Count > 0;
    }

    /// <summary>The path of the host's worker settings file.</summary>
    public static string WorkerFile(SlipwayConfig config, HostConfig host) =>
        HostLayout.For(config, host).SlipwayDir + "/" + WorkerFileName;

    /// <summary>
    /// The store the host's workers use: <c>queue.url</c>, except the embedded default (a path on the deploying
    /// machine), which becomes <c>sqlite://DEPLOY_TO/shared/queue.db</c> on the host: it outlives releases.
    /// </summary>
    public static string QueueUrl(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        return config.Queue is { UrlIsDefault: false } queue ? queue.Url : "sqlite://" + HostLayout.For(config, host).Shared + "/queue.db";
    }

    /// <summary>The workers as processes for <paramref name="host"/> (all of them; the caller filters by role).</summary>
    public static IEnumerable<ProcessConfig> For(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        var layout = HostLayout.For(config, host);
        var defaults = (config.Queue ?? QueueConfig.DefaultFor(config.SourceFile)).Worker;
        foreach (var worker in config.Workers)
        {
            var grace = worker.StopGrace ?? defaults.StopGrace;
            yield return new ProcessConfig
            {
                Name = worker.Name,
                Command = Command(worker, layout.AgentPath, WorkerFile(config, host)),
                Directory = worker.Directory,
                NumProcs = worker.NumProcs,
                AutoRestart = "true", // a worker has no expected exit but the one its stop asks for
                StopSignal = "TERM",
                StopWaitSecs = (int)Math.Ceiling((grace + KillMargin).TotalSeconds),
                StopAsGroup = false, // SIGTERM to the worker alone: its running jobs must not get it too
                Environment = worker.Environment,
                Roles = worker.Roles,
                Location = worker.Location,
            };
        }
    }

    private static string Command(WorkerConfig worker, string agent, string file)
    {
        var parts = new List<string> { ShellQuote.Quote(agent), "worker", worker.Queue, "-f", ShellQuote.Quote(file) };
        if (worker.Concurrency is { } concurrency)
        {
            parts.Add("--concurrency");
            parts.Add(concurrency.ToString(CultureInfo.InvariantCulture));
        }

        if (worker.Timeout is { } timeout)
        {
            parts.Add("--timeout");
            parts.Add(timeout == TimeSpan.Zero ? "0" : Durations.Format(timeout));
        }

        if (worker.StopGrace is { } grace)
        {
            parts.Add("--stop-grace");
            parts.Add(grace == TimeSpan.Zero ? "0" : Durations.Format(grace));
        }

        parts.Add("--");
        return string.Join(' ', parts) + " " + worker.Command.Trim();
    }
}
