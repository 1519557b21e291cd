namespace Slipway.Core.Config.Internal;

/// <summary>
/// Binds <c>queue:</c>. Types, ranges and unknown keys are reported here with line, column and key path. A relative
/// SQLite path is made absolute against slipway.yml's directory, so <c>-f</c> from anywhere names the same file. Whether
/// another URL's engine exists is the queue feature's call; it reports that at <see cref="QueueConfig.UrlLocation"/>.
/// </summary>
internal static class QueueBinder
{
    private const string SqliteScheme = "sqlite:";

    public static QueueConfig? Bind(Section root, string sourceFile)
    {
        if (root.Get(ConfigKeys.Queue) is not { } node)
        {
            return null;
        }

        var s = root.Context.Section(node, ConfigKeys.Queue, ConfigKeys.QueueKeys, "a mapping such as { url: sqlite:///srv/app/shared/queue.db, lease: 30s }");
        if (s is null)
        {
            return null;
        }

        var defaults = QueueConfig.DefaultFor(sourceFile);
        var url = s.Get("url") is { } urlNode ? Url(s, urlNode, sourceFile) : null;
        return new QueueConfig
        {
            Url = url ?? defaults.Url,
            UrlIsDefault = url is null,
            UrlLocation = s.Get("url")?.Location ?? s.Location,
            Lease = Positive(s, "lease") ?? defaults.Lease,
            Retry = BindRetry(s),
            Retention = BindRetention(s),
            Limits = BindLimits(s),
            Rates = BindRates(s),
            Worker = BindWorker(s),
            Http = Listen(s, "http"),
            Token = s.String("token") is { Length: > 0 } token ? token : null,
            Schedules = BindSchedules(s),
            Logs = BindLogs(s),
            Location = s.Location,
        };
    }

    private static string? Url(Section s, ConfigNode node, string sourceFile)
    {
        var path = s.PathOf("url");
        var text = ValueReader.NonEmptyString(s.Context, node, path);
        if (text is null)
        {
            return null;
        }

        var at = text.IndexOf("://", StringComparison.Ordinal);
        string file;
        if (at < 0)
        {
            file = text.StartsWith(SqliteScheme, StringComparison.OrdinalIgnoreCase) ? text[SqliteScheme.Length..] : text;
        }
        else if (text[..at].Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            file = text[(at + 3)..];
        }
        else
        {
            return text; // postgres://… and the rest: the queue feature checks them
        }

        if (file.Length == 0)
        {
            s.Context.Error(node, path, "names no file; use sqlite:///path/queue.db, a path, or postgres://user:pass@host/db");
            return null;
        }

        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(sourceFile)) ?? ".";
        return "sqlite://" + System.IO.Path.GetFullPath(file, dir);
    }

    private static QueueRetryConfig BindRetry(Section queue)
    {
        var defaults = new QueueRetryConfig();
        if (queue.Get("retry") is not { } node ||
            queue.Context.Section(node, queue.PathOf("retry"), ConfigKeys.QueueRetryKeys, "a mapping such as { max_attempts: 10, base_delay: 10s, max_delay: 1h }") is not { } s)
        {
            return defaults;
        }

        var baseDelay = s.Duration("base_delay") ?? defaults.BaseDelay;
        var maxDelay = s.Duration("max_delay") ?? defaults.MaxDelay;
        if (maxDelay < baseDelay)
        {
            s.Context.Error(s.Get("max_delay")?.Location ?? s.Location, s.PathOf("max_delay"),
                $"must be at least base_delay ({Durations.Format(baseDelay)}), got {Durations.Format(maxDelay)}");
        }

        return new QueueRetryConfig
        {
            MaxAttempts = s.Int("max_attempts", 1, 1000) ?? defaults.MaxAttempts,
            BaseDelay = baseDelay,
            MaxDelay = maxDelay,
            Jitter = s.Fraction("jitter") ?? defaults.Jitter,
        };
    }

    private static QueueRetentionConfig BindRetention(Section queue)
    {
        var defaults = new QueueRetentionConfig();
        if (queue.Get("retention") is not { } node ||
            queue.Context.Section(node, queue.PathOf("retention"), ConfigKeys.QueueRetentionKeys, "a mapping such as { succeeded: 1d, dead: 14d }") is not { } s)
        {
            return defaults;
        }

        return new QueueRetentionConfig
        {
            Succeeded = s.Duration("succeeded") ?? defaults.Succeeded,
            SucceededPerQueue = s.Int("succeeded_per_queue", 0, 10_000_000) ?? defaults.SucceededPerQueue,
            Dead = s.Duration("dead") ?? defaults.Dead,
            DeadPerQueue = s.Int("dead_per_queue", 0, 10_000_000) ?? defaults.DeadPerQueue,
        };
    }

    private static List<QueueLimitConfig> BindLimits(Section queue)
    {
        var result = new List<QueueLimitConfig>();
        if (queue.Get("limits") is not { } node)
        {
            return result;
        }

        var context = queue.Context;
        var path = queue.PathOf("limits");
        if (node is not ConfigMapping mapping)
        {
            context.Error(node, path, $"must be a mapping of queue names to the most jobs running at once, such as {{ thumbs: 4 }}, got {node.Describe()}");
            return result;
        }

        foreach (var entry in context.UniqueEntries(mapping, path))
        {
            var entryPath = Paths.Child(path, entry.Key.Value);
            if (ValueReader.Int(context, entry.Value, entryPath, 1, 100_000) is { } limit)
            {
                result.Add(new QueueLimitConfig(entry.Key.Value, limit, entry.Key.Location, entryPath));
            }
        }

        return result;
    }

    private static List<QueueRateConfig> BindRates(Section queue)
    {
        var result = new List<QueueRateConfig>();
        if (queue.Get("rates") is not { } node)
        {
            return result;
        }

        var context = queue.Context;
        var path = queue.PathOf("rates");
        if (node is not ConfigMapping mapping)
        {
            context.Error(node, path, $"must be a mapping of queue names to the most jobs started per period, such as {{ mail: 10/s }}, got {node.Describe()}");
            return result;
        }

        foreach (var entry in context.UniqueEntries(mapping, path))
        {
            var entryPath = Paths.Child(path, entry.Key.Value);
            if (ValueReader.String(context, entry.Value, entryPath) is not { } text)
            {
                continue;
            }

            if (Rate.Parse(text) is { } rate)
            {
                result.Add(new QueueRateConfig(entry.Key.Value, rate, entry.Key.Location, entryPath));
            }
            else
            {
                context.Error(entry.Value, entryPath,
                    $"must be a rate: jobs (1 to 1,000,000) per period, such as {Rate.Examples}, got \"{text}\"");
            }
        }

        return result;
    }

    private static List<QueueScheduleConfig> BindSchedules(Section queue)
    {
        var result = new List<QueueScheduleConfig>();
        if (queue.Get("schedules") is not { } node)
        {
            return result;
        }

        var context = queue.Context;
        var path = queue.PathOf("schedules");
        if (node is not ConfigMapping mapping)
        {
            context.Error(node, path, $"must be a mapping of schedule names to {{ cron, queue, payload }}, such as {{ nightly: {{ cron: \"0 3 * * *\", queue: reports }} }}, got {node.Describe()}");
            return result;
        }

        foreach (var entry in context.UniqueEntries(mapping, path))
        {
            var entryPath = Paths.Child(path, entry.Key.Value);
            if (context.Section(entry.Value, entryPath, ConfigKeys.QueueScheduleKeys, "a mapping such as { cron: \"0 3 * * *\", queue: reports, payload: '{}' }") is not { } s)
            {
                continue;
            }

            var cronText = s.RequiredString("cron", "5 fields, such as \"*/5 * * * *\" (UTC unless tz names a zone)");
            var queueName = s.RequiredString("queue");
            var payload = s.String("payload") ?? QueueScheduleConfig.DefaultPayload;
            var maxAttempts = s.Int("max_attempts", 1, 1000);
            Scheduling.CronSchedule? cron = null;
            if (cronText is not null)
            {
                try
                {
                    cron = Scheduling.CronSchedule.Parse(cronText);
                    cron.Next(DateTimeOffset.UnixEpoch); // "30 2 * * *" parses; "0 0 30 2 *" never matches
                }
                catch (FormatException e)
                {
                    context.Error(s.Get("cron")!, s.PathOf("cron"), e.Message);
                    cron = null;
                }
            }

            if (cron is not null && s.Get("tz") is { } tzNode && ValueReader.NonEmptyString(context, tzNode, s.PathOf("tz")) is { } tz)
            {
                if (Zone(tz) is { } zone)
                {
                    cron = cron.In(zone);
                }
                else
                {
                    context.Error(tzNode, s.PathOf("tz"), $"'{tz}' is not a time zone: use an IANA name such as Europe/Paris or America/New_York (the zones in /usr/share/zoneinfo), or UTC");
                    cron = null;
                }
            }

            if (s.Get("payload") is { } payloadNode && !IsJson(payload))
            {
                context.Error(payloadNode, s.PathOf("payload"), "must be one JSON document written as a string, such as '{\"kind\": \"nightly\"}'");
                continue;
            }

            if (cron is not null && queueName is not null)
            {
                result.Add(new QueueScheduleConfig(entry.Key.Value, cron, queueName, payload, maxAttempts, entry.Key.Location, entryPath));
            }
        }

        return result;
    }

    /// <summary>The system's time zone of that IANA id, or null.</summary>
    private static TimeZoneInfo? Zone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static QueueLogsConfig? BindLogs(Section queue)
    {
        if (queue.Get("logs") is not { } node ||
            queue.Context.Section(node, queue.PathOf("logs"), ConfigKeys.QueueLogsKeys, "a mapping such as { url: http://logs1:8514, token: ${SLIPWAY_LOGS_TOKEN} }") is not { } s)
        {
            return null;
        }

        if (s.RequiredString("url", "the logs server's base URL, such as http://logs1:8514") is not { } url)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            s.Context.Error(s.Get("url")!, s.PathOf("url"), $"must be an http:// or https:// URL of the logs server, such as http://logs1:8514, got '{url}'");
            return null;
        }

        return new QueueLogsConfig(url.TrimEnd('/'), s.String("token") is { Length: > 0 } token ? token : null, s.Location);
    }

    private static QueueWorkerConfig BindWorker(Section queue)
    {
        var defaults = new QueueWorkerConfig();
        if (queue.Get("worker") is not { } node ||
            queue.Context.Section(node, queue.PathOf("worker"), ConfigKeys.QueueWorkerKeys, "a mapping such as { concurrency: 4, timeout: 10m }") is not { } s)
        {
            return defaults;
        }

        // timeout: 0 means no time-out.
        var timeout = s.Duration("timeout");
        return new QueueWorkerConfig
        {
            Concurrency = s.Int("concurrency", 1, 1000) ?? defaults.Concurrency,
            Timeout = timeout is null ? defaults.Timeout : timeout == TimeSpan.Zero ? null : timeout,
            StopGrace = s.Duration("stop_grace") ?? defaults.StopGrace,
            Poll = Positive(s, "poll") ?? defaults.Poll,
        };
    }

    private static string? Listen(Section s, string key)
    {
        if (s.Get(key) is not { } node || ValueReader.NonEmptyString(s.Context, node, s.PathOf(key)) is not { } text)
        {
            return null;
        }

        if (Net.ListenAddress.Parse(text, out var error) is null)
        {
            s.Context.Error(node, s.PathOf(key), error!);
            return null;
        }

        return text;
    }

    private static TimeSpan? Positive(Section s, string key)
    {
        var value = s.Duration(key);
        if (value == TimeSpan.Zero)
        {
            s.Context.Error(s.Get(key)!, s.PathOf(key), "must be more than 0, such as 500ms or 30s");
            return null;
        }

        return value;
    }
}
