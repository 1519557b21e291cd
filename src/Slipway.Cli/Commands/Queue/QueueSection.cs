using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Queue;
using Spectre.Console;

namespace Slipway.Cli.Commands.Queue;

/// <summary>
/// What the queue commands read from slipway.yml's typed <c>queue:</c> section (<see cref="QueueConfig"/>, bound in
/// Core), with <c>--url</c> over <c>queue.url</c> over the default <c>.slipway/queue.db</c>, and the checks only the queue
/// feature can make (the URL's engine, queue names) as config diagnostics with line, column and key.
/// </summary>
internal sealed record QueueSection(QueueConfig Config, string Url)
{
    private const string DefaultFile = "slipway.yml";

    /// <summary>Null (after printing why, on stderr) when the file or its queue: section is invalid, or --url is not a queue URL.</summary>
    public static QueueSection? Load(IAnsiConsole console, QueueSettings settings)
    {
        var file = settings.File ?? (System.IO.File.Exists(DefaultFile) ? DefaultFile : null);
        var queue = QueueConfig.DefaultFor(Path.GetFullPath(DefaultFile));
        if (file is not null)
        {
            var config = ConfigSource.Load(console, file);
            if (config is null)
            {
                return null;
            }

            var problems = Check(config);
            if (problems.Count > 0)
            {
                DiagnosticsWriter.Write(console, problems);
                ConsoleText.Note(console, $"{file}: {ConfigSource.Plural(problems.Count, "error")}; nothing was done.", ConsoleText.Red);
                return null;
            }

            queue = config.Queue ?? QueueConfig.DefaultFor(config.SourceFile);
        }

        var url = settings.Url ?? queue.Url;
        if (settings.Url is not null && QueueEngineFactory.Problem(settings.Url) is { } problem)
        {
            ConsoleText.Error(console, $"--url: {problem}");
            return null;
        }

        return new QueueSection(queue, url);
    }

    /// <summary>The checks of the queue: section only the queue feature can make; <c>config check</c> runs them too.</summary>
    public static List<ConfigDiagnostic> Check(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<ConfigDiagnostic>();
        foreach (var worker in config.Workers.Where(w => !QueueName.IsValid(w.Queue)))
        {
            problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, config.SourceFile, worker.QueueLocation, $"workers.{worker.Name}.queue",
                $"'{worker.Queue}' is not a queue name: use {QueueName.Rule}"));
        }

        if (config.Queue is not { } queue)
        {
            return problems;
        }

        if (!queue.UrlIsDefault && QueueEngineFactory.Problem(queue.Url) is { } problem)
        {
            problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, config.SourceFile, queue.UrlLocation, "queue.url", problem));
        }

        foreach (var limit in queue.Limits.Where(l => !QueueName.IsValid(l.Queue)))
        {
            problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, config.SourceFile, limit.Location, limit.Path,
                $"'{limit.Queue}' is not a queue name: use {QueueName.Rule}"));
        }

        foreach (var rate in queue.Rates.Where(r => !QueueName.IsValid(r.Queue)))
        {
            problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, config.SourceFile, rate.Location, rate.Path,
                $"'{rate.Queue}' is not a queue name: use {QueueName.Rule}"));
        }

        if (queue.Url.StartsWith("sqs", StringComparison.OrdinalIgnoreCase) && (queue.Schedules.Count > 0 || queue.Limits.Count > 0 || queue.Rates.Count > 0))
        {
            // What the engine would refuse when it opens, said at the line that asks for it.
            foreach (var (location, path, what) in queue.Schedules.Select(s => (s.Location, s.Path, "cron schedules need idempotency keys to fire once across hosts"))
                         .Concat(queue.Limits.Select(l => (l.Location, l.Path, "a concurrency limit across hosts needs a count SQS does not keep")))
                         .Concat(queue.Rates.Select(r => (r.Location, r.Path, "a rate limit across hosts needs shared state SQS does not keep"))))
            {
                problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, config.SourceFile, location, path, $"not with the sqs engine: {what} (docs/queue.md#the-sqs-engine)"));
            }
        }

        foreach (var schedule in queue.Schedules.Where(s => !QueueName.IsValid(s.Queue)))
        {
            problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, config.SourceFile, schedule.Location, schedule.Path + ".queue",
                $"'{schedule.Queue}' is not a queue name: use {QueueName.Rule}"));
        }

        return problems;
    }

    /// <summary>The library's settings from the section (the section's defaults are the library's own).</summary>
    public QueueEngineOptions EngineOptions() => new()
    {
        DefaultLease = Config.Lease,
        Retry = new RetryPolicy
        {
            MaxAttempts = Config.Retry.MaxAttempts,
            BaseDelay = Config.Retry.BaseDelay,
            MaxDelay = Config.Retry.MaxDelay,
            Jitter = Config.Retry.Jitter,
        },
        Retention = new RetentionPolicy
        {
            Succeeded = Config.Retention.Succeeded,
            SucceededPerQueue = Config.Retention.SucceededPerQueue,
            Dead = Config.Retention.Dead,
            DeadPerQueue = Config.Retention.DeadPerQueue,
        },
        ConcurrencyLimits = Config.Limits.ToDictionary(l => l.Queue, l => l.Limit, StringComparer.Ordinal),
        RateLimits = Config.Rates.ToDictionary(r => r.Queue, r => r.Rate, StringComparer.Ordinal),
    };

    /// <summary>The section's cron schedules, for <see cref="Slipway.Queue.Scheduling.CronScheduler"/>.</summary>
    public IReadOnlyList<Slipway.Queue.Scheduling.QueueSchedule> Schedules() =>
        [.. Config.Schedules.Select(s => new Slipway.Queue.Scheduling.QueueSchedule(s.Name, s.Cron, s.Queue, s.Payload) { MaxAttempts = s.MaxAttempts })];

    /// <summary>
    /// The sender of failed jobs to the central logs (<c>queue.logs</c>; its token, else <c>SLIPWAY_LOGS_TOKEN</c>), or
    /// null when the section names no logs server.
    /// </summary>
    public LogsSender? FailureLog(Action<string> warn) =>
        Config.Logs is { } logs
            ? new LogsSender(logs.Url, logs.Token ?? (Environment.GetEnvironmentVariable("SLIPWAY_LOGS_TOKEN") is { Length: > 0 } t ? t : null), warn)
            : null;

    /// <summary>The URL as messages show it (no password).</summary>
    public string ShownUrl => QueueEngineFactory.Redact(Url);
}
